import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { CrmRecord, FieldValue, RecordRef } from '../../domain/crmRecord.js';
import type { Database } from '../../store/schema.js';
import { matchesFilter, requiredEqualities, type FilterExpr } from '../filter.js';
import { CrmError, type ActivityInput, type CallOptions, type CrmConnector, type QueryOptions } from '../port.js';
import { STANDARD_RECORDS, type NativeStandardType, type StandardRecordType } from '../standardRecords.js';
import { writeRunnerFor, type WriteRunner } from './writeGroups.js';
import { isKeyField, recordKeys, recordName, TYPE_PREFIX, type RecordKey } from './recordRules.js';

type Db = Kysely<Database> | Transaction<Database>;

/** How many rows a query without an indexed equality reads at most before it stops looking. */
const SCAN_LIMIT = 5000;

/**
 * The embedded CRM: a real CRM store in the product's own database (SQLite or Postgres). Records of every
 * type live in one table with their fields as JSON; exact-match keys (phones, emails, case numbers,
 * references, activity keys) live in an indexed side table so lookups stay fast at a million contacts.
 */
export class EmbeddedConnector implements CrmConnector {
  /** The embedded CRM stores every standard record under its canonical name. */
  readonly standardTypes = Object.fromEntries(
    Object.entries(STANDARD_RECORDS).map(([type, { fields }]) => [type, { type, fields: Object.fromEntries(fields.map((f) => [f, f])) }]),
  ) as Record<StandardRecordType, NativeStandardType>;
  readonly unsupported = {};
  /** Every write (create, update, activity) is one transaction, or one savepoint of a group's (SQLite). */
  private readonly writes: WriteRunner;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date = () => new Date(),
    /** How phone numbers stored without a country code are read. */
    private readonly defaultRegion = 'US',
  ) {
    this.writes = writeRunnerFor(db);
  }

  async findByPhone(e164: string, { signal }: CallOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    return this.byKey('phone', e164, ['account', 'contact', 'lead']);
  }

  async findByEmail(email: string, { signal }: CallOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    return this.byKey('email', email.trim().toLowerCase(), ['contact', 'lead']);
  }

  async openCases(record: RecordRef, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const field = record.type === 'contact' ? 'contactId' : record.type === 'account' ? 'accountId' : undefined;
    if (!field) return [];
    const rows = await this.db
      .selectFrom('crm_record_keys as k')
      .innerJoin('crm_records as r', 'r.id', 'k.record_id')
      .selectAll('r')
      .where('k.kind', '=', `ref:${field}`)
      .where('k.value', '=', record.id)
      .where('r.type', '=', 'case')
      .orderBy('r.created_at', 'desc')
      .execute();
    return rows
      .map(toRecord)
      .filter((c) => String(c.fields.status ?? '').toLowerCase() !== 'closed')
      .slice(0, limit);
  }

  async query(entity: string, filter: FilterExpr | null, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const candidates = await this.candidates(entity, filter);
    const out: CrmRecord[] = [];
    for (const record of candidates) {
      if (!filter || matchesFilter(filter, (field) => fieldOf(record, field))) out.push(record);
      if (out.length >= limit) break;
    }
    return out;
  }

  async get(ref: RecordRef, { signal }: CallOptions): Promise<CrmRecord | null> {
    signal.throwIfAborted();
    return getRecord(this.db, ref);
  }

  async create(type: string, fields: Record<string, FieldValue>, { signal }: CallOptions): Promise<CrmRecord> {
    signal.throwIfAborted();
    return this.writes.run((trx) => insertRecord(trx, type, fields, this.clock(), undefined, this.defaultRegion));
  }

  async update(ref: RecordRef, fields: Record<string, FieldValue>, { signal }: CallOptions): Promise<CrmRecord> {
    signal.throwIfAborted();
    return this.writes.run(async (trx) => {
      const current = await getRecord(trx, ref);
      if (!current) throw new CrmError(`${ref.type} ${ref.id} does not exist`, 404);
      const merged = { ...current.fields, ...fields };
      if (typeof fields.accountId === 'string' && fields.accountName === undefined && fields.accountId !== current.fields.accountId) {
        // The account's name travels with the reference, as a CRM relationship field would.
        merged.accountName = (await getRecord(trx, { type: 'account', id: fields.accountId }))?.name ?? null;
      }
      const name = recordName(ref.type, merged, ref.id);
      // Only what changed is written (at a million contacts every index page touched costs): an unchanged
      // name leaves its index entry alone. A record's keys are always its fields' keys (every write keeps
      // them so), so they are looked at only when a field they come from changed (memorialization changes
      // none), and then only those that appear or go away are written.
      await trx
        .updateTable('crm_records')
        .set({
          fields: JSON.stringify(merged),
          updated_at: this.clock().toISOString(),
          ...(name === current.name ? {} : { name, name_lower: name.toLowerCase() }),
        })
        .where('id', '=', ref.id)
        .execute();
      if (Object.keys(fields).some((field) => isKeyField(ref.type, field) && merged[field] !== current.fields[field])) {
        await reindexKeys(trx, ref.type, ref.id, merged, this.defaultRegion);
      }
      return { type: ref.type, id: ref.id, name, fields: merged };
    });
  }

  async logActivity(activity: ActivityInput, { signal }: CallOptions): Promise<{ record: CrmRecord; created: boolean }> {
    signal.throwIfAborted();
    try {
      const record = await this.writes.run(async (trx) => {
        if (!(await recordExists(trx, activity.regarding))) {
          throw new CrmError(`${activity.regarding.type} ${activity.regarding.id} does not exist`, 404);
        }
        return insertRecord(
          trx,
          'task',
          {
            ...activity.fields,
            subject: activity.subject,
            description: activity.description,
            status: 'Completed',
            regardingType: activity.regarding.type,
            regardingId: activity.regarding.id,
            activityDate: this.clock().toISOString(),
          },
          this.clock(),
          undefined,
          this.defaultRegion,
          // The unique index on activity keys makes a second write of the key (a retried job, a concurrent
          // call) fail at the insert of its keys, and the whole write with it: nothing of it remains.
          [{ kind: 'activity', value: activity.key }],
        );
      });
      return { record, created: true };
    } catch (error) {
      // The key was written before (a retried job) or by a concurrent call: that activity stands. The
      // lookup runs after the write has ended (committed or rolled back), so it sees the committed one.
      const existing = await this.byKey('activity', activity.key, ['task']);
      if (existing[0]) return { record: existing[0], created: false };
      throw error;
    }
  }

  async listActivities(ref: RecordRef, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const rows = await this.db
      .selectFrom('crm_record_keys as k')
      .innerJoin('crm_records as r', 'r.id', 'k.record_id')
      .selectAll('r')
      .where('k.kind', '=', 'regarding')
      .where('k.value', '=', `${ref.type}:${ref.id}`)
      .orderBy('r.created_at', 'desc')
      .orderBy('r.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  private async byKey(kind: string, value: string, types: string[]): Promise<CrmRecord[]> {
    const rows = await this.db
      .selectFrom('crm_record_keys as k')
      .innerJoin('crm_records as r', 'r.id', 'k.record_id')
      .selectAll('r')
      .where('k.kind', '=', kind)
      .where('k.value', '=', value)
      .where('k.record_type', 'in', types)
      .orderBy('r.type')
      .orderBy('r.name_lower')
      .limit(200)
      .execute();
    return rows.map(toRecord);
  }

  /** Rows that may match: through an index when the filter requires an indexed equality, else a bounded scan. */
  private async candidates(entity: string, filter: FilterExpr | null): Promise<CrmRecord[]> {
    for (const { field, value } of filter ? requiredEqualities(filter) : []) {
      if (typeof value !== 'string' && typeof value !== 'number') continue;
      if (field === 'id') {
        const record = await getRecord(this.db, { type: entity, id: String(value) });
        return record ? [record] : [];
      }
      const key = recordKeys(entity, { [field]: value }, this.defaultRegion).at(0);
      if (key) {
        const rows = await this.db
          .selectFrom('crm_record_keys as k')
          .innerJoin('crm_records as r', 'r.id', 'k.record_id')
          .selectAll('r')
          .where('k.kind', '=', key.kind)
          .where('k.value', '=', key.value)
          .where('r.type', '=', entity)
          .limit(SCAN_LIMIT)
          .execute();
        return rows.map(toRecord);
      }
    }
    const rows = await this.db
      .selectFrom('crm_records')
      .selectAll()
      .where('type', '=', entity)
      .orderBy('name_lower')
      .limit(SCAN_LIMIT)
      .execute();
    return rows.map(toRecord);
  }
}

function fieldOf(record: CrmRecord, field: string): unknown {
  if (field === 'id') return record.id;
  if (field === 'name' && !(field in record.fields)) return record.name;
  return record.fields[field];
}

async function recordExists(db: Db, ref: RecordRef): Promise<boolean> {
  return !!(await db.selectFrom('crm_records').select('id').where('id', '=', ref.id).where('type', '=', ref.type).executeTakeFirst());
}

async function getRecord(db: Db, ref: RecordRef): Promise<CrmRecord | null> {
  const row = await db.selectFrom('crm_records').selectAll().where('id', '=', ref.id).where('type', '=', ref.type).executeTakeFirst();
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

/** Inserts one record and its lookup keys. Exported for the demo seed, which writes many in one transaction. */
export async function insertRecord(
  trx: Db,
  type: string,
  fields: Record<string, FieldValue>,
  now: Date,
  id = newRecordId(type, now),
  defaultRegion = 'US',
  /** Keys that do not come from the fields (an activity's key), written with the others. */
  extraKeys: RecordKey[] = [],
): Promise<CrmRecord> {
  const complete = { ...fields };
  if (type === 'case') {
    if (!complete.caseNumber) complete.caseNumber = await nextCaseNumber(trx);
    else if (await keyTaken(trx, 'number', String(complete.caseNumber).trim().toUpperCase())) {
      throw new CrmError('case number already used', 400, { caseNumber: `${String(complete.caseNumber)} is already the number of another case` });
    }
  }
  if (typeof complete.accountId === 'string' && complete.accountName === undefined) {
    const account = await getRecord(trx, { type: 'account', id: complete.accountId });
    if (account) complete.accountName = account.name;
  }
  const name = recordName(type, complete, id);
  const stamp = now.toISOString();
  await trx
    .insertInto('crm_records')
    .values({ id, type, name, name_lower: name.toLowerCase(), fields: JSON.stringify(complete), created_at: stamp, updated_at: stamp })
    .execute();
  await insertKeys(trx, type, id, [...recordKeys(type, complete, defaultRegion), ...extraKeys]);
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
 * Brings a record's lookup keys in line with its fields: reads the keys it has, deletes those its fields no
 * longer give, inserts the new ones. Activity keys are not the fields' and are left alone.
 */
async function reindexKeys(trx: Db, type: string, id: string, fields: Record<string, FieldValue>, defaultRegion: string): Promise<void> {
  const wanted = recordKeys(type, fields, defaultRegion);
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

function toRecord(row: { id: string; type: string; name: string; fields: string }): CrmRecord {
  return { id: row.id, type: row.type, name: row.name, fields: JSON.parse(row.fields) as Record<string, FieldValue> };
}
