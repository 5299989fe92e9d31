import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { CrmRecord, FieldValue, RecordRef } from '../../domain/crmRecord.js';
import type { Database } from '../../store/schema.js';
import { CrmError } from '../port.js';
import { mapRecord } from './recordMapping.js';
import { nameWordKeys, recordKeys, recordName, TYPE_PREFIX, type RecordKey } from './recordRules.js';

/** How the embedded CRM's rows are read and written: records, their lookup keys, case numbers. */

export type Db = Kysely<Database> | Transaction<Database>;

export async function recordExists(db: Db, ref: RecordRef): Promise<boolean> {
  return !!(await db.selectFrom('crm_records').select('id').where('id', '=', ref.id).where('type', '=', ref.type).executeTakeFirst());
}

/**
 * One record, or null. `forUpdate`: the row stays locked until the caller's transaction ends (Postgres), so
 * that a write that reads it to change it cannot lose a concurrent write's fields, nor lose its own.
 */
export async function getRecord(db: Db, ref: RecordRef, { forUpdate = false } = {}): Promise<CrmRecord | null> {
  const query = db.selectFrom('crm_records').selectAll().where('id', '=', ref.id).where('type', '=', ref.type);
  const row = await (forUpdate ? query.forUpdate() : query).executeTakeFirst();
  return row ? toRecord(row) : null;
}

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
  await trx
    .insertInto('crm_records')
    .values({ id, type, name, name_lower: name.toLowerCase(), fields: JSON.stringify(complete), created_at: stamp, updated_at: now.toISOString() })
    .execute();
  await insertKeys(trx, type, id, [...recordKeys(type, complete, defaultRegion), ...nameWordKeys(type, name, id), ...extraKeys]);
  return { type, id, name, fields: complete };
}

async function insertKeys(trx: Db, type: string, id: string, keys: RecordKey[]): Promise<void> {
  if (keys.length === 0) return;
  await trx
    .insertInto('crm_record_keys')
    .values(keys.map((k) => ({ kind: k.kind, value: k.value, record_id: id, record_type: type })))
    // Only a repeat of the same key is ignored; a case number taken by another case still fails.
    .onConflict((oc) => oc.columns(['kind', 'value', 'record_id']).doNothing())
    .execute();
}

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
