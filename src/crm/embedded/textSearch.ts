import type { Kysely } from 'kysely';
import type { CrmRecord } from '../../domain/crmRecord.js';
import type { Database } from '../../store/schema.js';
import { CrmError, type RecordTypeDescription, type SearchableRole } from '../port.js';
import { foldedWords } from '../textFold.js';
import { customDescription, standardDescription, typeOfRole } from './recordMapping.js';
import { toRecord } from './recordStore.js';

/** Records of a type with a name word starting with the folded prefix (the connector's word index). */
export type ByNameWord = (entity: string, prefix: string) => Promise<CrmRecord[]>;

/**
 * What an agent typed, over the records of the given roles: every word typed is the start of a word of the
 * record's name, without regard to case or accents ("garc" and "García" find "Maria Garcia"); a case is
 * also found by its number. Found through the word index, so it stays fast at a million contacts.
 */
export async function searchText(db: Kysely<Database>, text: string, roles: readonly SearchableRole[], limit: number, byNameWord: ByNameWord): Promise<CrmRecord[]> {
  const words = foldedWords(text.slice(0, 200)).slice(0, 10);
  if (words.length === 0) return [];
  const longest = words.reduce((a, b) => (b.length > a.length ? b : a));
  const out = new Map<string, CrmRecord>();
  for (const role of roles) {
    const type = typeOfRole(role);
    if (role === 'case') {
      for (const found of await byCaseNumber(db, text.trim().toUpperCase())) out.set(`${found.type}:${found.id}`, found);
    }
    for (const record of await byNameWord(type, longest)) {
      if (out.size >= limit) break;
      const nameWords = foldedWords(record.name);
      if (words.every((w) => nameWords.some((n) => n.startsWith(w)))) out.set(`${record.type}:${record.id}`, record);
    }
  }
  return [...out.values()].slice(0, limit);
}

async function byCaseNumber(db: Kysely<Database>, number: string): Promise<CrmRecord[]> {
  const rows = await db
    .selectFrom('crm_record_keys as k')
    .innerJoin('crm_records as r', 'r.id', 'k.record_id')
    .selectAll('r')
    .where('k.kind', '=', 'number')
    .where('k.value', '=', number)
    .where('r.type', '=', 'case')
    .limit(5)
    .execute();
  return rows.map(toRecord);
}

/** Records read to describe a custom type: the fields they carry are its fields. */
const CUSTOM_SAMPLE = 50;

/**
 * A type as the embedded CRM describes it: the standard types by their own description, a custom type by
 * the fields its records carry; a type with no description and no record is unknown (404).
 */
export async function describeType(db: Kysely<Database>, type: string): Promise<RecordTypeDescription> {
  const standard = standardDescription(type);
  if (standard) return standard;
  const rows = await db.selectFrom('crm_records').select('fields').where('type', '=', type).limit(CUSTOM_SAMPLE).execute();
  if (rows.length === 0) throw new CrmError(`the embedded CRM has no record type "${type.slice(0, 64)}"`, 404);
  const names = new Set<string>();
  for (const row of rows) for (const name of Object.keys(JSON.parse(row.fields) as object)) names.add(name);
  return customDescription(type, names);
}
