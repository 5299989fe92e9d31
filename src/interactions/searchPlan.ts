import type { SearchableRole } from '../crm/port.js';
import { invalidInput } from '../domain/errors.js';
import { toE164 } from '../domain/phone.js';

/**
 * How an agent's free-text search is run: by phone or email (Search for ANI), else one Custom Search of the
 * text over records by role (the connector's searchText: each CRM searches as well as it can).
 */
export type SearchPlan = { kind: 'phone'; query: string; value: string } | { kind: 'email'; query: string; value: string } | { kind: 'text'; query: string; roles: SearchableRole[] };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** What agents quote as a case number: CS-1001, INC0010001, CAS-01234-X1Y2Z3, 00001026, #42. */
const CASE_NUMBER = /^(#\d{1,10}|[A-Z]{2,4}-?\d{1,10}(-[A-Z0-9]{1,10})?|\d{5,10})$/i;
const PHONE_CHARS = /^[+\d\s().-]+$/;

/** A value as a quoted string of our filter grammar: only \" and \\ need escaping. */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

export function classifySearch(text: string, defaultRegion: string): SearchPlan {
  const query = text.trim().replace(/\s+/g, ' ');
  if (query.length < 2) throw invalidInput('Search for at least 2 characters: a name, phone number, email or case number.');
  if (query.length > 100) throw invalidInput('Searches are limited to 100 characters.');
  if (EMAIL.test(query)) return { kind: 'email', query, value: query.toLowerCase() };
  const caseNumber = CASE_NUMBER.test(query);
  if (PHONE_CHARS.test(query) && query.replace(/\D/g, '').length >= 7) {
    const e164 = toE164(query, defaultRegion);
    if (e164) return { kind: 'phone', query, value: e164 };
    // Not a phone number: an 8-digit Salesforce case number (00001026) is written so.
    if (!caseNumber) throw invalidInput(`"${query}" looks like a phone number but is not a valid one.`);
  }
  if (caseNumber) return { kind: 'text', query, roles: ['case'] };
  return { kind: 'text', query, roles: ['person', 'organization', 'lead'] };
}
