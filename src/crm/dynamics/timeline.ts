import { createHash } from 'node:crypto';
import type { CrmRecord, RecordRef } from '../../domain/crmRecord.js';
import { CrmError, type ActivityInput } from '../port.js';
import type { DataverseClient } from './dataverseClient.js';
import { selectOf } from './describe.js';
import type { DataverseMetadata, TableInfo } from './metadata.js';
import { ODataParams } from './odataFilter.js';
import { guidOf } from './payload.js';
import type { DataverseReader, Row } from './reader.js';
import { toRecord } from './recordMapping.js';

/**
 * Activity ids are derived from the idempotency key (a name-based UUID in this namespace), so that the
 * create is conditional on the id (If-None-Match: *) and two workers racing on one key write one activity.
 * Changing this namespace would let retries of earlier jobs write a second activity.
 */
const ACTIVITY_ID_NAMESPACE = '5b0c8d0e-6a3f-4f9e-9c41-2d7e8a1f3b65';

export interface TimelineOptions {
  activity: 'phonecall' | 'task';
  keyColumn: string;
}

/**
 * The timeline: a completed phone call (or task) regarding the record, dated by the interaction
 * (actualstart/actualend), and the activities regarding a record, newest first.
 */
export class DynamicsTimeline {
  constructor(
    private readonly client: DataverseClient,
    private readonly metadata: DataverseMetadata,
    private readonly reader: DataverseReader,
    private readonly options: TimelineOptions,
  ) {}

  /**
   * Its id is derived from the key and it is created only if no record has that id yet (upsert with
   * If-None-Match: *); Dataverse answers 412 when one has, and that one is returned. The key is also
   * written to the configured column, for people.
   */
  async log(activity: ActivityInput, signal: AbortSignal, get: (ref: RecordRef) => Promise<CrmRecord | null>): Promise<{ record: CrmRecord; created: boolean }> {
    const { activity: activityType, keyColumn } = this.options;
    const table = await this.metadata.table(activityType, signal);
    const regarding = await this.metadata.require(activity.regarding.type, signal, 'regarding');
    const regardingId = guidOf(activity.regarding.id);
    if (!regardingId) throw new CrmError(`${regarding.logicalName} ${activity.regarding.id} does not exist (a Dataverse id is a GUID)`, 404);
    const navigation = table.lookups.get('regardingobjectid')?.find((n) => n.target === regarding.logicalName);
    if (!navigation) {
      const message = `a ${activityType} cannot be regarding a ${regarding.logicalName} in this environment`;
      throw new CrmError(message, 400, { regarding: message });
    }
    const id = nameBasedUuid(activity.key);
    // Texts are cut to the column's length: a long note must not make every retry of the timeline fail.
    const fit = (column: string, text: string) => {
      const max = table.columns.get(column)?.maxLength;
      return max && text.length > max ? `${text.slice(0, max - 1)}…` : text;
    };
    const keyLength = table.columns.get(keyColumn)?.maxLength ?? 100;
    const body: Row = {
      subject: fit('subject', activity.subject),
      description: fit('description', activity.description),
      [`${navigation.name}@odata.bind`]: `/${regarding.entitySetName}(${regardingId})`,
      // The key itself when it fits the column, else its digest (the id already makes the write idempotent).
      [keyColumn]: activity.key.length <= keyLength ? activity.key : `sha256:${createHash('sha256').update(activity.key).digest('hex')}`.slice(0, keyLength),
      ...when(table, activity),
      ...completed(table, activityType),
    };
    const seconds = activity.fields.durationSeconds;
    if (typeof seconds === 'number' && table.columns.has('actualdurationminutes')) body.actualdurationminutes = Math.ceil(seconds / 60);
    if (activityType === 'phonecall') {
      body.directioncode = false; // incoming
      if (typeof activity.fields.phoneNumber === 'string') body.phonenumber = activity.fields.phoneNumber;
    }
    const context = { operation: `log the ${activityType} of ${activity.regarding.type} ${regardingId}` };
    try {
      const row = await this.client.call(context, signal, (api) =>
        api.upsert<Row, Row>({ collection: table.entitySetName, key: id, data: body, ifnonematch: '*', returnRepresentation: true, select: selectOf(table), includeAnnotations: '*', signal }),
      );
      return { record: toRecord(table, row), created: true };
    } catch (error) {
      if (!(error instanceof CrmError && error.status === 412)) throw error;
    }
    const existing = await get({ type: table.logicalName, id });
    if (!existing) throw new CrmError(`the ${activityType} ${id} of key ${activity.key} exists but cannot be read`);
    return { record: existing, created: false };
  }

  /**
   * Activities regarding a record, newest first by when they happened (canonical activityDate). Dataverse
   * sorts the completed ones by actualend (open ones, without it, come last there) and then by createdon;
   * the page is put in activityDate order here.
   */
  async list(ref: RecordRef, limit: number, signal: AbortSignal): Promise<CrmRecord[]> {
    const id = guidOf(ref.id);
    if (!id) return [];
    const table = await this.metadata.table('activitypointer', signal);
    const params = new ODataParams();
    const order = table.columns.has('actualend') ? ['actualend desc', 'createdon desc'] : ['createdon desc'];
    const request = this.reader.request(table, `_regardingobjectid_value eq ${params.alias(id)}`, params, limit, order);
    const rows = await this.reader.collect('read the timeline', request, limit, signal);
    const records = rows.map((row) => toRecord(table, row));
    const at = (r: CrmRecord) => Date.parse(r.canonical.activityDate ?? '') || 0;
    return records.sort((a, b) => at(b) - at(a));
  }
}

/**
 * When the call happened, as Dataverse dates a completed activity (actualstart, actualend): both at `at`,
 * so that the activity reads as of the call whether `at` is its start or its end (the length is in
 * actualdurationminutes), never as of the day a retried job wrote it.
 */
function when(table: TableInfo, activity: ActivityInput): Row {
  // A caller from before the port had `at` (a job queued then): Dataverse dates the activity by createdon.
  if (activity.at === undefined) return {};
  const at = Date.parse(activity.at);
  if (Number.isNaN(at)) throw new CrmError(`"${activity.at.slice(0, 40)}" is not a date and time`, 400, { at: 'is not an ISO 8601 date and time' });
  const iso = new Date(at).toISOString();
  const times: Row = {};
  if (table.columns.has('actualstart')) times.actualstart = iso;
  if (table.columns.has('actualend')) times.actualend = iso;
  return times;
}

/** statecode/statuscode of a completed activity: a received call, a completed task. */
function completed(table: TableInfo, activityType: string): Row {
  const reasons = table.columns.get('statuscode')?.options?.filter((o) => o.state === 1) ?? [];
  const reason = (activityType === 'phonecall' ? reasons.find((o) => o.value === 4) : undefined) ?? reasons[0];
  return reason ? { statecode: 1, statuscode: reason.value } : {};
}

/** A name-based (version 5, SHA-1) UUID of `name` in the activity namespace. */
export function nameBasedUuid(name: string): string {
  const namespace = Buffer.from(ACTIVITY_ID_NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
