import { sql, SqliteAdapter, type Expression, type Kysely } from 'kysely';
import type { CrmRecord, FieldValue, RecordRef } from '../../domain/crmRecord.js';
import type { Database } from '../../store/schema.js';
import { matchesFilter, requiredEqualities, requiredTextSearches, type FilterExpr } from '../filter.js';
import { foldedWords } from '../textFold.js';
import { CrmError, type ActivityInput, type CallOptions, type CrmConnector, type QueryOptions, type RecordTypeDescription, type SearchableRole, type TextSearchResult } from '../port.js';
import { STANDARD_RECORDS, type NativeStandardType, type StandardRecordType } from '../standardRecords.js';
import { writeRunnerFor, type WriteRunner } from './writeGroups.js';
import { isKeyField, NAME_WORD, recordKeys, recordName } from './recordRules.js';
import { latestByKey, recordsByKey, recordsOfTypeByKey } from './recordLookups.js';
import { getRecord, insertRecord, recordExists, referenceNames, reindexKeys, toRecord, writeRecord } from './recordStore.js';
import { mapRecord, normalizePhones } from './recordMapping.js';
import { describeType, searchText } from './textSearch.js';

/** How many rows a query without an indexed equality reads at most before it stops looking. */
const SCAN_LIMIT = 5000;

/**
 * The embedded CRM: a real CRM store in the product's own database (SQLite or Postgres). Records of every
 * type live in one table with their fields as JSON; exact-match keys (phones, emails, case numbers,
 * references, activity keys) live in an indexed side table so lookups stay fast at a million contacts.
 */
export class EmbeddedConnector implements CrmConnector {
  /** The embedded CRM stores every standard record under its canonical name. */
  readonly standardTypes = Object.fromEntries(Object.entries(STANDARD_RECORDS).map(([type, { fields }]) => [type, { type, fields: Object.fromEntries(fields.map((f) => [f, f])) }])) as Record<
    StandardRecordType,
    NativeStandardType
  >;
  readonly unsupported = {};
  /** Every write (create, update, activity) is one transaction, or one savepoint of a group's (SQLite). */
  private readonly writes: WriteRunner;
  private readonly isSqlite: boolean;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date = () => new Date(),
    /** How phone numbers stored without a country code are read. */
    private readonly defaultRegion = 'US',
  ) {
    this.writes = writeRunnerFor(db);
    this.isSqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  }

  async findByPhone(e164: string, { signal }: CallOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    return recordsByKey(this.db, 'phone', e164, ['account', 'contact', 'lead']);
  }

  async findByEmail(email: string, { signal }: CallOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    return recordsByKey(this.db, 'email', email.trim().toLowerCase(), ['contact', 'lead']);
  }

  async openCases(record: RecordRef, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const field = record.type === 'contact' ? 'contactId' : record.type === 'account' ? 'accountId' : undefined;
    if (!field) return [];
    return (await recordsOfTypeByKey(this.db, `ref:${field}`, record.id, 'case')).filter((c) => String(c.fields.status ?? '').toLowerCase() !== 'closed').slice(0, limit);
  }

  async query(entity: string, filter: FilterExpr | null, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const out = new Map<string, CrmRecord>();
    const take = (records: CrmRecord[]) => {
      for (const record of records) {
        if (out.size >= limit) return;
        if (!out.has(record.id) && (!filter || matchesFilter(filter, (field) => fieldOf(record, field)))) out.set(record.id, record);
      }
    };
    const indexed = await this.indexed(entity, filter);
    if (indexed) {
      take(indexed.records);
      if (indexed.complete || out.size >= limit) return [...out.values()];
    }
    take(await this.scan(entity));
    return [...out.values()];
  }

  async get(ref: RecordRef, { signal }: CallOptions): Promise<CrmRecord | null> {
    signal.throwIfAborted();
    return getRecord(this.db, ref);
  }

  async create(type: string, fields: Record<string, FieldValue>, { signal }: CallOptions): Promise<CrmRecord> {
    signal.throwIfAborted();
    const written = normalizePhones(type, fields, this.defaultRegion);
    return this.writes.run((trx) => insertRecord(trx, type, written, this.clock(), undefined, this.defaultRegion));
  }

  async update(ref: RecordRef, fields: Record<string, FieldValue>, { signal }: CallOptions): Promise<CrmRecord> {
    signal.throwIfAborted();
    return this.writes.run(async (trx) => {
      // Read and written under the row's lock: two writers of one record (a memorialization, an agent's edit)
      // each merge into what the other wrote, and the name and keys follow the fields both left.
      const current = await getRecord(trx, ref, { forUpdate: this.writes.locksRowsOnRead });
      if (!current) throw new CrmError(`${ref.type} ${ref.id} does not exist`, 404);
      const written = normalizePhones(ref.type, fields, this.defaultRegion);
      // A reference's name travels with it, as a CRM relationship field would.
      const merged = { ...current.fields, ...written, ...(await referenceNames(trx, written, current.fields)) };
      const name = recordName(ref.type, merged, ref.id);
      // Only what changed is written (at a million contacts every index page touched costs): an unchanged
      // name leaves its index entry alone. A record's keys are always its fields' keys (every write keeps
      // them so), so they are looked at only when a field they come from changed (memorialization changes
      // none), and then only those that appear or go away are written.
      await writeRecord(trx, ref.id, merged, this.clock(), name === current.name ? undefined : name);
      if (name !== current.name || Object.keys(fields).some((field) => isKeyField(ref.type, field) && merged[field] !== current.fields[field])) {
        await reindexKeys(trx, ref.type, ref.id, merged, name, this.defaultRegion);
      }
      return mapRecord(ref.type, ref.id, name, merged);
    });
  }

  async logActivity(activity: ActivityInput, { signal }: CallOptions): Promise<{ record: CrmRecord; created: boolean }> {
    signal.throwIfAborted();
    const at = new Date(activity.at);
    if (Number.isNaN(at.getTime())) throw new CrmError('activity time is not a date', 400, { at: 'must be an ISO 8601 instant' });
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
            // Dated by the interaction, not by when the job ran.
            activityDate: at.toISOString(),
          },
          this.clock(),
          undefined,
          this.defaultRegion,
          // The unique index on activity keys makes a second write of the key (a retried job, a concurrent
          // call) fail at the insert of its keys, and the whole write with it: nothing of it remains.
          [{ kind: 'activity', value: activity.key }],
          // Listed newest first by when they happened: the row is dated by the interaction too.
          at,
        );
      });
      return { record, created: true };
    } catch (error) {
      // The key was written before (a retried job) or by a concurrent call: that activity stands. The
      // lookup runs after the write has ended (committed or rolled back), so it sees the committed one.
      const existing = await recordsByKey(this.db, 'activity', activity.key, ['task']);
      if (existing[0]) return { record: existing[0], created: false };
      throw error;
    }
  }

  async listActivities(ref: RecordRef, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    return latestByKey(this.db, 'regarding', `${ref.type}:${ref.id}`, limit);
  }

  async searchText(text: string, roles: readonly SearchableRole[], { signal, limit }: QueryOptions): Promise<TextSearchResult> {
    signal.throwIfAborted();
    return { records: await searchText(this.db, text, roles, limit, (entity, prefix) => this.byNameWord(entity, prefix)), refused: [] };
  }

  async describe(type: string, { signal }: CallOptions): Promise<RecordTypeDescription> {
    signal.throwIfAborted();
    return describeType(this.db, type);
  }

  /**
   * Rows that may match, through an index: those with the key an equality of the filter requires (all of
   * them: `complete`), or those with a name word that a name search requires as its prefix (not all: a
   * `contains` may cut a word on its left, so the bounded scan adds the rest). Undefined: no index serves.
   */
  private async indexed(entity: string, filter: FilterExpr | null): Promise<{ records: CrmRecord[]; complete: boolean } | undefined> {
    if (!filter) return undefined;
    for (const { field, value } of requiredEqualities(filter)) {
      if (typeof value !== 'string' && typeof value !== 'number') continue;
      if (field === 'id') {
        const record = await getRecord(this.db, { type: entity, id: String(value) });
        return { records: record ? [record] : [], complete: true };
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
        return { records: rows.map(toRecord), complete: true };
      }
    }
    const prefix = requiredTextSearches(filter)
      .filter((search) => search.field === 'name')
      .map((search) => {
        const words = foldedWords(search.value);
        // Every word of a `contains` but its first is the start of a word of the name.
        return (search.op === 'contains' && words.length > 1 ? words.slice(1) : words).reduce((a, b) => (b.length > a.length ? b : a), '');
      })
      .reduce((a, b) => (b.length > a.length ? b : a), '');
    return prefix ? { records: await this.byNameWord(entity, prefix), complete: false } : undefined;
  }

  /** Records of a type with a name word that starts with `prefix` (folded), through the word keys' index. */
  private async byNameWord(entity: string, prefix: string): Promise<CrmRecord[]> {
    // A range over the keys, compared byte by byte (as code points): SQLite's default; on Postgres the "C"
    // collation, which the partial index of migration 012 is built with, whatever the database's collation.
    const value: Expression<string> = this.isSqlite ? sql<string>`k.value` : sql<string>`k.value COLLATE "C"`;
    const rows = await this.db
      .selectFrom('crm_record_keys as k')
      .innerJoin('crm_records as r', 'r.id', 'k.record_id')
      .selectAll('r')
      // A literal, not a parameter: Postgres picks a partial index only when the query names its condition.
      .where('k.kind', '=', sql.lit(NAME_WORD))
      .where(value, '>=', prefix)
      .where(value, '<', `${prefix}\u{10FFFF}`)
      .where('k.record_type', '=', entity)
      .orderBy(value)
      .limit(SCAN_LIMIT)
      .execute();
    return rows.map(toRecord);
  }

  /** The first rows of a type in name order: what a query no index serves looks through, at most SCAN_LIMIT. */
  private async scan(entity: string): Promise<CrmRecord[]> {
    const rows = await this.db.selectFrom('crm_records').selectAll().where('type', '=', entity).orderBy('name_lower').limit(SCAN_LIMIT).execute();
    return rows.map(toRecord);
  }
}

function fieldOf(record: CrmRecord, field: string): unknown {
  if (field === 'id') return record.id;
  if (field === 'name' && !(field in record.fields)) return record.name;
  return record.fields[field];
}
