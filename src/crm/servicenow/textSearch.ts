import type { FieldValue } from '../../domain/crmRecord.js';
import { CrmError, type SearchableRole, type TextSearchResult } from '../port.js';
import { foldedWords, foldText } from '../textFold.js';
import { encodeQuery, type Clause, type Group } from './encodedQuery.js';
import type { ReadFields } from './readFields.js';
import { flatFields, tablesOfRole, toRecord } from './records.js';
import { scan, type ScanSettings } from './scan.js';
import { TABLES } from './tables.js';

/** What an agent types is bounded: this many characters, this many words. */
const MAX_TEXT = 200;
const MAX_WORDS = 6;

/** The columns a table's words are looked for in: name parts start with a word, full names contain it. */
const WORD_COLUMNS: Record<string, { startsWith: string[]; like: string[] }> = {
  [TABLES.contact]: { startsWith: ['first_name', 'last_name', 'email'], like: ['name'] },
  [TABLES.consumer]: { startsWith: ['first_name', 'last_name', 'email'], like: ['name'] },
  [TABLES.user]: { startsWith: ['first_name', 'last_name', 'email'], like: ['name'] },
  [TABLES.account]: { startsWith: [], like: ['name'] },
  [TABLES.case]: { startsWith: [], like: ['short_description'] },
  [TABLES.incident]: { startsWith: [], like: ['short_description'] },
};

export interface TextSearchSettings extends ScanSettings {
  searchUsers: boolean;
  readFields: ReadFields;
}

/**
 * searchText for ServiceNow: one Table API query per table of the asked roles (people: customer_contact and
 * csm_consumer, and sys_user when configured; organizations: customer_account; cases: sn_customerservice_case
 * and incident, also by number; ServiceNow CSM has no lead table). Every word must start a name part or occur
 * in the full name (STARTSWITH / LIKE). ServiceNow compares text without regard to case or accents by
 * default; a column an admin made accent-sensitive (i18n_locale_text_match) still finds "Garcia" for
 * "García", since each word is also sent without its accents. The results are re-checked here, words folded,
 * so that a word only matches the start of a name's word. A table refused with 403 (a read ACL the
 * integration user lacks) is named in `refused`; the others' records are kept.
 */
export async function searchText(settings: TextSearchSettings, text: string, roles: readonly SearchableRole[], signal: AbortSignal, limit: number): Promise<TextSearchResult> {
  signal.throwIfAborted();
  if (text.length > MAX_TEXT) throw new CrmError(`text: at most ${MAX_TEXT} characters`, 400, { text: `at most ${MAX_TEXT} characters` });
  const typed = [
    ...new Set(
      text
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean),
    ),
  ].slice(0, MAX_WORDS);
  const folded = foldedWords(typed.join(' '));
  if (typed.length === 0 || limit <= 0) return { records: [], refused: [] };
  const tables = [...new Set(roles.flatMap((role) => tablesOfRole(role)))];
  if (settings.searchUsers && roles.includes('person')) tables.push(TABLES.user);

  const refused: TextSearchResult['refused'] = [];
  const lists = await Promise.all(
    tables.map(async (table) => {
      const groups = queryGroups(table, typed);
      if (groups.length === 0) return [];
      try {
        const params = await settings.readFields.params(table, [], signal);
        const rows = await scan(settings, table, encodeQuery(groups, 'text', ['-sys_updated_on', 'sys_id']), params, signal, limit, (row) => matchesWords(table, flatFields(row), folded));
        return rows.map((row) => toRecord(table, row));
      } catch (error) {
        if (error instanceof CrmError && error.status === 403) {
          refused.push({
            type: table,
            reason: `the integration user may not read the ServiceNow table "${table}": it needs a role with read access to it (a read ACL on ${table})`,
          });
          return [];
        }
        throw error;
      }
    }),
  );
  return { records: lists.flat().slice(0, limit), refused };
}

/** Each word as typed and without accents: both are sent, ServiceNow folds case itself. */
function variants(word: string): string[] {
  return [...new Set([word, foldText(word)])];
}

function queryGroups(table: string, words: string[]): Group[] {
  const columns = WORD_COLUMNS[table];
  if (!columns) return [];
  const byWords: Group = words.map((word): Clause =>
    variants(word).flatMap((value) => [...columns.startsWith.map((field) => ({ field, op: 'STARTSWITH' as const, value })), ...columns.like.map((field) => ({ field, op: 'LIKE' as const, value }))]),
  );
  const groups: Group[] = [byWords];
  // A case is also found by its number ("CS0001001", or the digits an agent reads out: "1001").
  if ((table === TABLES.case || table === TABLES.incident) && words.length === 1 && /\d/.test(words[0]!)) {
    groups.push([[{ field: 'number', op: 'LIKE', value: words[0]! }]]);
  }
  return groups;
}

/** Every folded word starts a folded word of the record's names (or is in its case number). */
function matchesWords(table: string, fields: Record<string, FieldValue>, words: string[]): boolean {
  const columns = WORD_COLUMNS[table]!;
  const haystack = foldedWords([...columns.startsWith, ...columns.like].map((c) => String(fields[c] ?? '')).join(' '));
  const number = foldText(String(fields.number ?? ''));
  if (words.length === 1 && number !== '' && number.includes(words[0]!)) return true;
  return words.every((word) => haystack.some((w) => w.startsWith(word)));
}
