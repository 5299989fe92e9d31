import { CrmError } from '../port.js';

/**
 * Literals and names for SOQL and SOSL. User text reaches Salesforce's query languages only through these:
 * SOQL string literals escape the reserved ' and \ (and control characters), LIKE patterns also escape the
 * wildcards % and _, and SOSL search terms escape every character the FIND clause reserves.
 */

const SOQL_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A SOQL string literal, quotes included: 'Bob\'s BBQ'. */
export function soqlString(value: string): string {
  return `'${value.replace(/[\\'"\n\r\t\b\f]/g, (c) => SOQL_ESCAPES[c]!)}'`;
}

/** The text of a LIKE pattern matching `value` literally (no quotes, no surrounding wildcards). */
export function soqlLikeText(value: string): string {
  return soqlString(value)
    .slice(1, -1)
    .replace(/[%_]/g, (c) => `\\${c}`);
}

/** Characters the SOSL FIND clause reserves (Salesforce's "Example Text Searches": escape with a backslash). */
const SOSL_RESERVED = /[?&|!{}[\]()^~*:\\"'+-]/g;

/** One SOSL search word, every reserved character escaped, so it can sit between the FIND braces. */
export function soslWord(value: string): string {
  if (/\s/.test(value)) throw new Error('a SOSL word has no spaces');
  return value.replace(SOSL_RESERVED, (c) => `\\${c}`);
}

/** Salesforce record IDs: 15 case-sensitive or 18 case-safe characters, letters and digits. */
export function isSalesforceId(value: string): boolean {
  return /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/.test(value);
}

/** An sObject API name (Account, WorkOrder, Interaction__c); anything else never reaches a URL or a query. */
export function isObjectName(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]{0,79}$/.test(value) && !value.endsWith('_');
}

/** A field path in a query: Name, Account.Name, Parent__r.Custom__c. */
export function isFieldPath(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]{0,79}(\.[A-Za-z][A-Za-z0-9_]{0,79}){0,4}$/.test(value);
}

export function assertObjectName(value: string, what = 'entity'): string {
  if (!isObjectName(value))
    throw new CrmError(`"${value}" is not a Salesforce object name`, 400, { [what]: `"${value}" is not a Salesforce object API name (e.g. Contact, WorkOrder, Interaction__c)` });
  return value;
}
