import { invalidInput } from '../domain/errors.js';
import { toE164 } from '../domain/phone.js';

/** How an agent's free-text search is run: by phone or email (Search for ANI), else Custom Searches. */
export type SearchPlan =
  | { kind: 'phone'; query: string; value: string }
  | { kind: 'email'; query: string; value: string }
  | { kind: 'text'; query: string; queries: Array<{ entity: string; filter: string }> };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CASE_NUMBER = /^[A-Z]{2,4}-\d{1,10}$/i;
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
  if (CASE_NUMBER.test(query)) {
    return { kind: 'text', query, queries: [{ entity: 'case', filter: `caseNumber = ${quote(query.toUpperCase())}` }] };
  }
  if (PHONE_CHARS.test(query) && query.replace(/\D/g, '').length >= 7) {
    const e164 = toE164(query, defaultRegion);
    if (!e164) throw invalidInput(`"${query}" looks like a phone number but is not a valid one.`);
    return { kind: 'phone', query, value: e164 };
  }
  return {
    kind: 'text',
    query,
    queries: ['contact', 'account', 'lead'].map((entity) => ({ entity, filter: `name contains ${quote(query)}` })),
  };
}
