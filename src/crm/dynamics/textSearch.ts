import { toE164 } from '../../domain/phone.js';
import type { SearchableRole, TextSearchResult } from '../port.js';
import { TABLE_OF_ROLE } from './canonical.js';
import { missingPrivilege } from './errors.js';
import type { DataverseMetadata, TableInfo } from './metadata.js';
import { ODataParams } from './odataFilter.js';
import { candidateFilter, matchesNumber } from './phoneSearch.js';
import type { DataverseReader, TableQuery } from './reader.js';
import { toRecord } from './recordMapping.js';

/** What an agent typed is cut to this many characters, and to this many words. */
const MAX_TEXT = 100;
const MAX_WORDS = 6;
/** The columns each table's words are looked for in (every word somewhere, in any of them). */
const WORD_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  contact: ['fullname', 'emailaddress1'],
  lead: ['fullname', 'companyname', 'emailaddress1'],
  account: ['name', 'accountnumber', 'emailaddress1'],
  incident: ['title'],
};
const PHONE_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  contact: ['telephone1', 'mobilephone', 'telephone2'],
  lead: ['telephone1', 'mobilephone'],
  account: ['telephone1', 'telephone2'],
};

export interface TextSearchDeps {
  metadata: DataverseMetadata;
  reader: DataverseReader;
  defaultRegion: string;
}

/**
 * The port's searchText on Dataverse: one $batch with a query per role's table (contact, account, lead,
 * incident), each word of the text in one of the table's name columns (contains), a case also by the
 * start of its case number, a phone-like text by phone. Dataverse compares text as its collation does:
 * without regard to case, and to accents in the usual languages (_CI_AI), so "García" finds "Garcia". A
 * table Dataverse refuses (403, a privilege the application user lacks) is named in `refused`, and the other
 * tables' records are kept.
 */
export async function searchText(deps: TextSearchDeps, text: string, roles: readonly SearchableRole[], limit: number, signal: AbortSignal): Promise<TextSearchResult> {
  const query = text.replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT);
  const words = query.split(' ').filter(Boolean).slice(0, MAX_WORDS);
  if (words.length === 0) return { records: [], refused: [] };
  const phone = /^[+()\d\s.-]{7,}$/.test(query) ? toE164(query, deps.defaultRegion) : null;
  const queries: Array<TableQuery & { phoneColumns?: readonly string[] }> = [];
  for (const role of [...new Set(roles)]) {
    const table = await deps.metadata.resolve(TABLE_OF_ROLE[role], signal);
    if (!table) continue; // an environment without the table (lead without Dynamics 365 Sales)
    const params = new ODataParams();
    const phoneColumns = phone ? (PHONE_COLUMNS[table.logicalName] ?? []).filter((c) => table.columns.has(c)) : [];
    const filter = phone && phoneColumns.length > 0 ? candidateFilter(phone, phoneColumns, params) : wordFilter(table, query, words, params);
    if (!filter) continue;
    const request = deps.reader.request(table, filter, params, limit, table.primaryName ? [`${table.primaryName} asc`] : undefined, phoneColumns);
    queries.push({ table, request, phoneColumns: phoneColumns.length > 0 ? phoneColumns : undefined });
  }
  const results = await deps.reader.settled('search by text', queries, limit, signal);
  const found: TextSearchResult = { records: [], refused: [] };
  for (const [i, result] of results.entries()) {
    const { table, phoneColumns } = queries[i]!;
    if (!Array.isArray(result)) {
      if (result.status !== 403) throw result;
      const privilege = missingPrivilege(result.message);
      const reason = privilege ? `Dynamics 365 did not let this configuration read ${table.label} records: missing the ${privilege} privilege` : result.message;
      found.refused.push({ type: table.logicalName, reason });
      continue;
    }
    for (const row of result) {
      const record = toRecord(table, row);
      // Phone candidates share the last four digits: only the same number is kept.
      if (phone && phoneColumns && !matchesNumber(record.fields, phoneColumns, phone, deps.defaultRegion)) continue;
      found.records.push(record);
    }
  }
  return found;
}

/** Every word in one of the table's name columns; a case also by the start of its case number. */
function wordFilter(table: TableInfo, query: string, words: readonly string[], params: ODataParams): string | null {
  const columns = (WORD_COLUMNS[table.logicalName] ?? (table.primaryName ? [table.primaryName] : [])).filter((c) => table.columns.has(c));
  const conditions = words.map((word) => {
    const alias = params.pattern(word);
    return `(${columns.map((c) => `contains(${c},${alias})`).join(' or ')})`;
  });
  const byWords = columns.length > 0 ? conditions.join(' and ') : null;
  const byNumber = table.columns.has('ticketnumber') ? `startswith(ticketnumber,${params.pattern(query)})` : null;
  if (byWords && byNumber) return `(${byNumber} or (${byWords}))`;
  return byWords ?? byNumber;
}
