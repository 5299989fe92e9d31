import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { FieldValue } from '../../domain/crmRecord.js';
import { toE164 } from '../../domain/phone.js';
import type { ODataParams } from './odataFilter.js';

/** The tables Search for ANI looks in. */
export const PHONE_TABLES = ['account', 'contact', 'lead'] as const;
export type PhoneTable = (typeof PHONE_TABLES)[number];

/**
 * Every standard phone column of each table that a caller may be reached at (fax and pager left out); the
 * configuration may name others (custom columns).
 */
export const DEFAULT_PHONE_COLUMNS: Record<PhoneTable, readonly string[]> = {
  account: ['telephone1', 'telephone2', 'telephone3', 'address1_telephone1', 'address1_telephone2', 'address1_telephone3', 'address2_telephone1'],
  contact: ['telephone1', 'telephone2', 'telephone3', 'mobilephone', 'business2', 'home2', 'company', 'callback', 'assistantphone', 'managerphone', 'address1_telephone1', 'address2_telephone1'],
  lead: ['telephone1', 'telephone2', 'telephone3', 'mobilephone', 'address1_telephone1', 'address2_telephone1'],
};

/**
 * Dataverse cannot normalize the numbers it stores ("(206) 555-0142", "+1 206.555.0142", "2065550142"), so
 * the search runs in two steps. First, in Dataverse, candidates: any phone column containing the number's
 * last four digits, written together ("0142") or split in two pairs ("01 42", "01.42", "01-42", as numbers
 * grouped by two are written). Then, here, only the candidates whose phone normalizes to the same E.164
 * number are kept (`matchesNumber`).
 */
export function candidateFilter(e164: string, columns: readonly string[], params: ODataParams): string | null {
  const national = parsePhoneNumberFromString(e164)?.nationalNumber ?? e164.replace(/\D/g, '');
  if (national.length < 4 || columns.length === 0) return null;
  const last = national.slice(-4);
  const pairs = [last, `${last.slice(0, 2)} ${last.slice(2)}`, `${last.slice(0, 2)}.${last.slice(2)}`, `${last.slice(0, 2)}-${last.slice(2)}`];
  const aliases = pairs.map((p) => params.pattern(p));
  return columns.flatMap((column) => aliases.map((alias) => `contains(${column},${alias})`)).join(' or ');
}

/** Whether any of the record's phone columns holds this number, however it was written. */
export function matchesNumber(fields: Record<string, FieldValue>, columns: readonly string[], e164: string, defaultRegion: string): boolean {
  return columns.some((column) => {
    const value = fields[column];
    return typeof value === 'string' && toE164(value, defaultRegion) === e164;
  });
}
