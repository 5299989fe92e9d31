import type { FieldValue } from '../../domain/crmRecord.js';
import { toE164 } from '../../domain/phone.js';
import { foldedWords } from '../textFold.js';

/** Id prefixes, so an id says what it points at in logs and URLs. */
export const TYPE_PREFIX: Record<string, string> = {
  account: 'acc',
  contact: 'con',
  case: 'cas',
  lead: 'lea',
  task: 'tsk',
};

/** An exact-match key of a record, as the indexed side table holds it. */
export interface RecordKey {
  kind: string;
  value: string;
}

const PHONE_FIELDS = ['phone', 'mobilePhone', 'homePhone', 'otherPhone'];

/** The label a record shows under: a person's full name, an account's name, a case's number and subject. */
export function recordName(type: string, fields: Record<string, FieldValue>, id: string): string {
  const text = (v: FieldValue | undefined) => (v === null || v === undefined ? '' : String(v).trim());
  const person = [text(fields.firstName), text(fields.lastName)].filter(Boolean).join(' ');
  switch (type) {
    case 'contact':
    case 'lead':
      return person || text(fields.email) || id;
    case 'case':
      return [text(fields.caseNumber), text(fields.subject)].filter(Boolean).join(' ') || id;
    case 'task':
      return text(fields.subject) || id;
    default:
      return text(fields.name) || person || text(fields.subject) || text(fields.title) || id;
  }
}

/** Whether recordKeys reads the field: a change of any other field leaves the record's keys as they are. */
export function isKeyField(type: string, field: string): boolean {
  return PHONE_FIELDS.includes(field) || field === 'email' || field === 'caseNumber' || field.endsWith('Id') || (type === 'task' && field === 'regardingType');
}

/**
 * Exact-match keys of a record: phones in E.164 (whatever way they were typed), lower-cased emails, case
 * numbers, references to other records (fields ending in "Id"), and the record an activity regards.
 */
export function recordKeys(type: string, fields: Record<string, FieldValue>, defaultRegion = 'US'): RecordKey[] {
  const keys: RecordKey[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (value === null || value === '') continue;
    const text = String(value);
    if (PHONE_FIELDS.includes(field)) {
      const e164 = toE164(text, defaultRegion);
      if (e164) keys.push({ kind: 'phone', value: e164 });
    } else if (field === 'email') {
      keys.push({ kind: 'email', value: text.trim().toLowerCase() });
    } else if (field === 'caseNumber') {
      keys.push({ kind: 'number', value: text.trim().toUpperCase() });
    } else if (field.endsWith('Id')) {
      keys.push({ kind: `ref:${field}`, value: text });
    }
  }
  if (type === 'task' && fields.regardingType && fields.regardingId) {
    keys.push({ kind: 'regarding', value: `${String(fields.regardingType)}:${String(fields.regardingId)}` });
  }
  return dedupe(keys);
}

function dedupe(keys: RecordKey[]): RecordKey[] {
  const seen = new Set<string>();
  return keys.filter((k) => {
    const id = `${k.kind}\u0000${k.value}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** The kind of key that holds one folded word of a record's name: name search finds records through it. */
export const NAME_WORD = 'word';

/**
 * The words of a record's name, folded (no case, no accents), as keys: `search García` finds "Maria Garcia"
 * through them by word prefix, at a million contacts. Activities are searched by their record, not by
 * name, and a name that is only the id has no words worth a key.
 */
export function nameWordKeys(type: string, name: string, id: string): RecordKey[] {
  if (type === 'task' || name === id) return [];
  return foldedWords(name).map((value) => ({ kind: NAME_WORD, value }));
}
