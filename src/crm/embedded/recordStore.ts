import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { CrmRecord, FieldValue, RecordRef } from '../../domain/crmRecord.js';
import { preparedQuery, preparedShapes, type Values } from '../../store/preparedQuery.js';
import type { Database } from '../../store/schema.js';
import { CrmError } from '../port.js';
import { mapRecord } from './recordMapping.js';
import { nameWordKeys, recordKeys, recordName, TYPE_PREFIX, type RecordKey } from './recordRules.js';

/**
 * How the embedded CRM's rows are read and written: records, their lookup keys, case numbers. The statements
 * every ACW write runs are prepared (src/store/preparedQuery.ts).
 */

export type Db = Kysely<Database> | Transaction<Database>;

export async function recordExists(db: Db, ref: RecordRef): Promise<boolean> {
  return !!(await existing.first(db, ref));
}

const existing = preparedQuery<RecordRef>()((db, value) => db.selectFrom('crm_records').select('id').where('id', '=', value('id')).where('type', '=', value('type')));

/**
 * One record, or null. `forUpdate`: the row stays locked until the caller's transaction ends (Postgres), so
 * that a write that reads it to change it cannot lose a concurrent write's fields, nor lose its own.
 */
export async function getRecord(db: Db, ref: RecordRef, { forUpdate = false } = {}): Promise<CrmRecord | null> {
  const row = await (forUpdate ? recordLocked : recordRow).first(db, ref);
  return row ? toRecord(row) : null;
}

const recordQuery = (db: Db, value: Values<RecordRef>) => db.selectFrom('crm_records').selectAll().where('id', '=', value('id')).where('type', '=', value('type'));
const recordRow = preparedQuery<RecordRef>()(recordQuery);
const recordLocked = preparedQuery<RecordRef>()((db, value) => recordQuery(db, value).forUpdate());

/**
 * A new record's id: its type's prefix, the time in base 36 (8 characters until 2059, so ids sort by time),
 * 32 random bits. Ids that grow with time are added at the end of the indexes on ids, where the pages of the
 * last writes are, instead of in a page of their own anywhere in an index of millions.
 */
function newRecordId(type: string, now: Date): string {
  return `${TYPE_PREFIX[type] ?? 'rec'}-${now.getTime().toString(36)}-${randomUUID().slice(0, 8)}`;
}

/** Inserts one record and its lookup keys, and returns it as the port gives it (see insertRow). */
export async function insertRecord(...args: Parameters<typeof insertRow>): Promise<CrmRecord> {
  const row = await insertRow(...args);
  return mapRecord(row.type, row.id, row.name, row.fields);
}

/** Inserts one record and its lookup keys; the demo seed writes thousands in one transaction, unmapped. */
export async function insertRow(
  trx: Db,
  type: string,
  fields: Record<string, FieldValue>,
  now: Date,
  id = newRecordId(type, now),
  defaultRegion = 'US',
  /** Keys that do not come from the fields (an activity's key), written with the others. */
  extraKeys: RecordKey[] = [],
  /** When the record dates from, if not now: an activity is dated by its interaction (and listed in that order). */
  createdAt: Date = now,
): Promise<{ type: string; id: string; name: string; fields: Record<string, FieldValue> }> {
  const complete = { ...fields };
  if (type === 'case') {
    if (!complete.caseNumber) complete.caseNumber = await nextCaseNumber(trx);
    else if (await keyTaken(trx, 'number', String(complete.caseNumber).trim().toUpperCase())) {
      throw new CrmError('case number already used', 400, { caseNumber: `${String(complete.caseNumber)} is already the number of another case` });
    }
  }
  Object.assign(complete, await referenceNames(trx, complete));
  const name = recordName(type, complete, id);
  const stamp = createdAt.toISOString();
  await newRecord.run(trx, { id, type, name, name_lower: name.toLowerCase(), fields: JSON.stringify(complete), created_at: stamp, updated_at: now.toISOString() });
  await insertKeys(trx, type, id, [...recordKeys(type, complete, defaultRegion), ...nameWordKeys(type, name, id), ...extraKeys]);
  return { type, id, name, fields: complete };
}

const NEW_RECORD_COLUMNS = ['id', 'type', 'name', 'name_lower', 'fields', 'created_at', 'updated_at'] as const;
type NewRecordRow = { [K in (typeof NEW_RECORD_COLUMNS)[number]]: string };
const newRecord = preparedQuery<NewRecordRow>()((db, value) => db.insertInto('crm_records').values(value.row(NEW_RECORD_COLUMNS)));

async function insertKeys(trx: Db, type: string, id: string, keys: RecordKey[]): Promise<void> {
  // In INSERTs of at most KEYS_PER_INSERT keys: as many shapes prepared at most, each well under the bound on parameters.
  for (let start = 0; start < keys.length; start += KEYS_PER_INSERT) {
    const chunk = keys.slice(start, start + KEYS_PER_INSERT);
    await keysInsert(chunk.length).run(trx, { id, type, kinds: chunk.map((k) => k.kind), values: chunk.map((k) => k.value) });
  }
}

/** Keys per INSERT: a record's keys (its phones, emails, name words) in one statement, each count prepared once. */
const KEYS_PER_INSERT = 32;

const keysInsert = preparedShapes(String, (count: number) =>
  preparedQuery<{ id: string; type: string; kinds: string[]; values: string[] }>()((db, value) => {
    const kinds = value.list('kinds', count);
    const values = value.list('values', count);
    return (
      db
        .insertInto('crm_record_keys')
        .values(kinds.map((kind, i) => ({ kind, value: values[i]!, record_id: value('id'), record_type: value('type') })))
        // Only a repeat of the same key is ignored; a case number taken by another case still fails.
        .onConflict((oc) => oc.columns(['kind', 'value', 'record_id']).doNothing())
    );
  }),
);

/** Writes a record's fields (its name too, when `name` is given: an unchanged name leaves its index entry alone). */
export async function writeRecord(trx: Db, id: string, fields: Record<string, FieldValue>, updatedAt: Date, name?: string): Promise<void> {
  const values = { id, fields: JSON.stringify(fields), updated_at: updatedAt.toISOString() };
  if (name === undefined) await fieldsUpdate.run(trx, values);
  else await fieldsAndNameUpdate.run(trx, { ...values, name, name_lower: name.toLowerCase() });
}

const fieldsUpdate = preparedQuery<{ id: string; fields: string; updated_at: string }>()((db, value) =>
  db
    .updateTable('crm_records')
    .set(value.row(['fields', 'updated_at']))
    .where('id', '=', value('id')),
);
const fieldsAndNameUpdate = preparedQuery<{ id: string; fields: string; updated_at: string; name: string; name_lower: string }>()((db, value) =>
  db
    .updateTable('crm_records')
    .set(value.row(['fields', 'updated_at', 'name', 'name_lower']))
    .where('id', '=', value('id')),
);

/**
 * Brings a record's lookup keys in line with its fields and name: reads the keys it has, deletes those they
 * no longer give, inserts the new ones. Activity keys are not the fields' and are left alone.
 */
export async function reindexKeys(trx: Db, type: string, id: string, fields: Record<string, FieldValue>, name: string, defaultRegion: string): Promise<void> {
  const wanted = [...recordKeys(type, fields, defaultRegion), ...nameWordKeys(type, name, id)];
  const stored = await trx.selectFrom('crm_record_keys').select(['kind', 'value']).where('record_id', '=', id).where('kind', '!=', 'activity').execute();
  const wantedIds = new Set(wanted.map(keyId));
  const storedIds = new Set(stored.map(keyId));
  const stale = stored.filter((k) => !wantedIds.has(keyId(k)));
  if (stale.length > 0) {
    await trx
      .deleteFrom('crm_record_keys')
      .where('record_id', '=', id)
      .where((eb) => eb.or(stale.map((k) => eb.and([eb('kind', '=', k.kind), eb('value', '=', k.value)]))))
      .execute();
  }
  await insertKeys(
    trx,
    type,
    id,
    wanted.filter((k) => !storedIds.has(keyId(k))),
  );
}

function keyId(key: RecordKey): string {
  return `${key.kind}\u0000${key.value}`;
}

async function keyTaken(trx: Db, kind: string, value: string): Promise<boolean> {
  return !!(await trx.selectFrom('crm_record_keys').select('record_id').where('kind', '=', kind).where('value', '=', value).executeTakeFirst());
}

/** The next free case number: the counter row is locked by the update until the transaction ends. */
async function nextCaseNumber(trx: Db): Promise<string> {
  for (;;) {
    const row = await trx
      .updateTable('crm_sequences')
      .set((eb) => ({ value: eb('value', '+', 1) }))
      .where('name', '=', 'case')
      .returning('value')
      .executeTakeFirstOrThrow();
    const candidate = `CS-${row.value}`;
    // Numbers given explicitly (imports, custom creates) are skipped over, never handed out twice.
    if (!(await keyTaken(trx, 'number', candidate))) return candidate;
  }
}

export function toRecord(row: { id: string; type: string; name: string; fields: string }): CrmRecord {
  return mapRecord(row.type, row.id, row.name, JSON.parse(row.fields) as Record<string, FieldValue>);
}

/** What a reference's name is to be stored beside it, as a CRM relationship field would carry it. */
const REFERENCES: Array<{ id: string; name: string; type: string }> = [
  { id: 'accountId', name: 'accountName', type: 'account' },
  { id: 'contactId', name: 'contactName', type: 'contact' },
];

/**
 * The names of the records that `fields` newly point at (accountName beside accountId, contactName beside
 * contactId), unless the fields give them; `before` is what the record held, so an unchanged reference
 * is not looked up again.
 */
export async function referenceNames(db: Db, fields: Record<string, FieldValue>, before: Record<string, FieldValue> = {}): Promise<Record<string, FieldValue>> {
  const names: Record<string, FieldValue> = {};
  for (const ref of REFERENCES) {
    const id = fields[ref.id];
    if (id === undefined || fields[ref.name] !== undefined || id === before[ref.id]) continue;
    names[ref.name] = typeof id === 'string' && id ? ((await getRecord(db, { type: ref.type, id }))?.name ?? null) : null;
  }
  return names;
}
