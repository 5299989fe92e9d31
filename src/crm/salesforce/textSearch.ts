import type { Connection, SearchResult } from 'jsforce';
import type { CrmRecord } from '../../domain/crmRecord.js';
import { foldText } from '../textFold.js';
import type { QueryOptions, SearchableRole, TextSearchResult } from '../port.js';
import { OBJECTS_BY_ROLE } from './canonical.js';
import { rowLimit, type SalesforceClient } from './client.js';
import { isJsforceApiError } from './errors.js';
import type { SearchObject, SObjectJson } from './records.js';
import { soqlString, soslWord } from './soql.js';

/**
 * What an agent typed, searched the way Salesforce searches: one SOSL FIND over the name fields of the
 * objects of the roles asked for (Contact, Account, Lead, Case: its Subject), each word a prefix ("garc"
 * finds Garcia), every reserved character escaped; and, for the case role, a SOQL read of the case whose
 * CaseNumber is the text (auto-numbers are not words a search index splits reliably).
 *
 * Salesforce answers a query naming an object the integration user may not read with INVALID_TYPE (and a
 * REST 403 INSUFFICIENT_ACCESS elsewhere): that object is named in `refused` and the search runs again
 * without it, so the other objects' records are kept.
 */

const MAX_TEXT = 200;
const MAX_WORDS = 6;
/**
 * Error codes that mean "this user may not read that object" rather than "the request is wrong": a query
 * naming it is INVALID_TYPE, its describe NOT_FOUND (Salesforce hides what a profile cannot read).
 */
const REFUSAL_CODES = new Set(['INVALID_TYPE', 'NOT_FOUND', 'INSUFFICIENT_ACCESS', 'INSUFFICIENT_ACCESS_OR_READONLY', 'INSUFFICIENT_PRIVILEGES']);

type Refusal = TextSearchResult['refused'][number];

export async function searchText(client: SalesforceClient, text: string, roles: readonly SearchableRole[], { signal, limit }: QueryOptions): Promise<TextSearchResult> {
  signal.throwIfAborted();
  const rows = rowLimit(limit);
  const objects: SearchObject[] = [...new Set(roles.map((role) => OBJECTS_BY_ROLE[role]))];
  const term = findTerm(text);
  const refused: Refusal[] = [];
  const records: CrmRecord[] = [];
  if (objects.length === 0) return { records, refused };

  return client.call(signal, 'read', objects.join(', '), async (conn) => {
    const caseNumber = roles.includes('case') ? caseNumberOf(text) : undefined;
    if (caseNumber) {
      const found = await refusable(() => client.read(conn, 'Case', `WHERE CaseNumber IN (${caseNumber.map(soqlString).join(', ')}) ORDER BY CreatedDate DESC`, rows), ['Case']);
      if ('refusal' in found) refused.push(found.refusal);
      else records.push(...found.value);
    }
    let remaining = objects.filter((object) => !refused.some((r) => r.type === object));
    while (term && remaining.length > 0) {
      const sosl = `FIND {${term}} IN NAME FIELDS RETURNING ${client.returning(remaining, rows)} LIMIT ${rows}`;
      const found = await refusable(() => soslRecords(client, conn, sosl), remaining);
      if ('value' in found) {
        records.push(...found.value);
        break;
      }
      refused.push(found.refusal);
      remaining = remaining.filter((object) => object !== found.refusal.type);
    }
    const seen = new Set<string>();
    return { records: records.filter((r) => !seen.has(r.id) && seen.add(r.id)).slice(0, rows), refused };
  });
}

async function soslRecords(client: SalesforceClient, conn: Connection, sosl: string): Promise<CrmRecord[]> {
  const result: SearchResult = await conn.search(sosl);
  return client.mapped(conn, (result.searchRecords ?? []) as SObjectJson[], '');
}

/** Runs a read; a refusal of one of `objects` (named by Salesforce, or the only one asked for) comes back as such. */
async function refusable<T>(work: () => Promise<T>, objects: readonly string[]): Promise<{ value: T } | { refusal: Refusal }> {
  try {
    return { value: await work() };
  } catch (error) {
    if (!isJsforceApiError(error) || !REFUSAL_CODES.has(error.errorCode)) throw error;
    const named = /sObject type '([^']+)'/.exec(error.message)?.[1];
    const type = objects.find((o) => o.toLowerCase() === named?.toLowerCase()) ?? (objects.length === 1 ? objects[0] : undefined);
    if (!type) throw error;
    return { refusal: { type, reason: `Salesforce does not let the integration user read ${type} (${error.errorCode}): give its profile or a permission set Read on ${type}` } };
  }
}

/**
 * The FIND term: each word a prefix, AND-ed; a word with accents also matches its unaccented form
 * (Salesforce's search docs say searches ignore case and are silent on accents, so both are asked for).
 * Undefined when no word is long enough to search (SOSL needs two characters).
 */
export function findTerm(text: string): string | undefined {
  const words = text
    .slice(0, MAX_TEXT)
    .split(/\s+/)
    .filter((w) => w.replace(/[^\p{L}\p{N}]/gu, '').length >= 2)
    .slice(0, MAX_WORDS);
  if (words.length === 0) return undefined;
  return words
    .map((word) => {
      // Case does not matter to SOSL; only an accent makes a second form worth asking for.
      const forms = (foldText(word) === word.toLowerCase() ? [word] : [word, foldText(word)]).map((form) => `${soslWord(form)}*`);
      return forms.length === 1 ? forms[0]! : `(${forms.join(' OR ')})`;
    })
    .join(' AND ');
}

/** The case numbers the text may be: as typed, and as Salesforce's default 8-digit auto-number. */
function caseNumberOf(text: string): string[] | undefined {
  const value = text.trim();
  if (!/^[A-Za-z0-9-]{1,30}$/.test(value) || !/\d/.test(value)) return undefined;
  return /^\d{1,7}$/.test(value) ? [value, value.padStart(8, '0')] : [value];
}
