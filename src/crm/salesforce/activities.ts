import { createHash } from 'node:crypto';
import type { Connection, SaveResult } from 'jsforce';
import type { CrmRecord, FieldValue, RecordRef } from '../../domain/crmRecord.js';
import { CrmError, type ActivityInput, type CallOptions, type QueryOptions } from '../port.js';
import { rowLimit, type SalesforceClient } from './client.js';
import { isJsforceApiError } from './errors.js';
import { assertObjectName, isSalesforceId, soqlString } from './soql.js';

/**
 * The timeline on Salesforce: each activity is a completed call Task regarding the record (WhoId for a
 * person, WhatId for anything else), dated by the interaction (ActivityDate, a date field: the call's UTC
 * date), keyed by the idempotency key in a unique custom field.
 */

const KEY_MAX_LENGTH = 255;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
/** Newest call first: Salesforce keeps a Task's date only, so the creation instant orders one day's calls. */
const NEWEST_FIRST = 'ORDER BY ActivityDate DESC NULLS LAST, CreatedDate DESC, Id DESC';

/** Activity fields of the port (timeline workflow) and the Task fields that hold them. */
const TASK_FIELDS: Readonly<Record<string, string>> = {
  interactionId: 'CallObject',
  durationSeconds: 'CallDurationInSeconds',
  disposition: 'CallDisposition',
};

export async function logActivity(client: SalesforceClient, activity: ActivityInput, { signal }: CallOptions): Promise<{ record: CrmRecord; created: boolean }> {
  signal.throwIfAborted();
  const { regarding } = activity;
  assertObjectName(regarding.type, 'regarding');
  if (!isSalesforceId(regarding.id)) throw new CrmError(`${regarding.type} ${regarding.id} does not exist`, 404);
  const key = activityKey(activity.key);
  const task = taskFields(client, activity, key);
  const existing = await client.call(signal, 'read', 'Task', (conn) => findActivity(client, conn, key));
  if (existing) return { record: existing, created: false };
  const written = await client.call(signal, 'write', 'Task', async (conn) => {
    try {
      const saved = await conn.request<SaveResult>({
        method: 'POST',
        url: '/sobjects/Task',
        body: JSON.stringify(task),
        headers: { 'content-type': 'application/json' },
      });
      if (!saved.success) throw new CrmError('Salesforce did not create the task', 400, { Task: saved.errors.map((e) => e.message).join('; ') });
      // The task as written; no second read, so that the timeline costs one lookup and one write.
      const [record] = await client.mapped(conn, [{ attributes: { type: 'Task' }, Id: saved.id, ...task }], 'Task');
      return record!;
    } catch (error) {
      // Another call with the same key won the race: the key field is unique, so its task is the one.
      if (hasErrorCode(error, ['DUPLICATE_VALUE'])) return 'raced' as const;
      if (hasErrorCode(error, ['INVALID_CROSS_REFERENCE_KEY', 'FIELD_INTEGRITY_EXCEPTION', 'MALFORMED_ID'], ['WhoId', 'WhatId'])) {
        throw new CrmError(`${regarding.type} ${regarding.id} does not exist`, 404);
      }
      throw error;
    }
  });
  if (written !== 'raced') return { record: written, created: true };
  const raced = await client.call(signal, 'read', 'Task', (conn) => findActivity(client, conn, key));
  if (!raced) throw new CrmError('Salesforce refused the task as a duplicate but has no task with its key');
  return { record: raced, created: false };
}

export async function listActivities(client: SalesforceClient, ref: RecordRef, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
  signal.throwIfAborted();
  assertObjectName(ref.type, 'type');
  if (!isSalesforceId(ref.id)) return [];
  const rows = rowLimit(limit);
  return client.call(signal, 'read', 'Task', (conn) => client.read(conn, 'Task', `WHERE ${whoOrWhat(ref.type)} = ${soqlString(ref.id)} ${NEWEST_FIRST}`, rows));
}

async function findActivity(client: SalesforceClient, conn: Connection, key: string): Promise<CrmRecord | null> {
  const field = client.options.config.activityKeyField;
  const found = await client.read(conn, 'Task', `WHERE ${field} = ${soqlString(key)} ORDER BY CreatedDate ASC, Id ASC`, 1);
  return found[0] ?? null;
}

/** The Task of a timeline entry: a completed call, regarding the record, dated by the call, carrying the key. */
function taskFields(client: SalesforceClient, activity: ActivityInput, key: string): Record<string, FieldValue> {
  const at = typeof activity.at === 'string' && ISO_INSTANT.test(activity.at) ? Date.parse(activity.at) : Number.NaN;
  if (Number.isNaN(at)) throw new CrmError('the activity has no valid time', 400, { at: 'must be an ISO 8601 instant' });
  const task: Record<string, FieldValue> = {
    Subject: activity.subject.slice(0, 255),
    Description: activity.description.slice(0, 32_000),
    Status: 'Completed',
    TaskSubtype: 'Call',
    // ActivityDate is a date (no time, no zone): the UTC date of the call, not the day the job ran.
    ActivityDate: new Date(at).toISOString().slice(0, 10),
    [whoOrWhat(activity.regarding.type)]: activity.regarding.id,
  };
  for (const [name, value] of Object.entries(activity.fields)) {
    const field = TASK_FIELDS[name] ?? (/^[A-Za-z][A-Za-z0-9_]*__c$/.test(name) ? name : undefined);
    if (!field || value === null || value === undefined) continue;
    task[field] = typeof value === 'string' && field !== 'Description' ? value.slice(0, 255) : value;
  }
  task[client.options.config.activityKeyField] = key;
  return task;
}

/** People (contacts, leads) are a task's "who"; every other record is its "what". */
function whoOrWhat(type: string): 'WhoId' | 'WhatId' {
  return type === 'Contact' || type === 'Lead' ? 'WhoId' : 'WhatId';
}

/** Keys longer than the Text(255) field are stored as their hash: still one value per key. */
function activityKey(key: string): string {
  return key.length <= KEY_MAX_LENGTH ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/** Whether jsforce's error carries one of these Salesforce error codes (on one of these fields, if given). */
export function hasErrorCode(error: unknown, codes: string[], fields?: string[]): boolean {
  if (!isJsforceApiError(error)) return false;
  const data = (error as { data?: unknown }).data;
  const items = (Array.isArray(data) ? data : [data]) as Array<{ errorCode?: string; fields?: string[]; message?: string } | undefined>;
  return items.some((item) => !!item && codes.includes(item.errorCode ?? error.errorCode) && (!fields || fields.some((f) => item.fields?.includes(f) || item.message?.includes(f) === true)));
}
