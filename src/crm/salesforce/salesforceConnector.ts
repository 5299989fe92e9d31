import { createHash } from 'node:crypto';
import { Connection, type QueryResult, type Record as JsforceRecord, type SaveResult, type SearchResult } from 'jsforce';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Logger } from 'pino';
import type { CrmRecord, FieldValue, RecordRef } from '../../domain/crmRecord.js';
import { toE164 } from '../../domain/phone.js';
import type { FilterExpr } from '../filter.js';
import { CrmError, type ActivityInput, type CallOptions, type CrmConnector, type QueryOptions } from '../port.js';
import type { AccessTokens } from './transport.js';
import { SalesforceTransport } from './transport.js';
import type { SalesforceConnectorConfig } from './config.js';
import { isJsforceApiError, toCrmError, type Operation } from './errors.js';
import { filterToSoql } from './filterToSoql.js';
import { PHONE_FIELDS, SALESFORCE_STANDARD_TYPES, SEARCH_FIELDS, toCrmRecord, type SObjectJson } from './records.js';
import { assertObjectName, isFieldPath, isSalesforceId, soqlString, soslWord } from './soql.js';

/** SOQL FIELDS(ALL) must come with a LIMIT of at most 200. */
const MAX_ROWS = 200;
const NEWEST_FIRST = 'ORDER BY CreatedDate DESC, Id DESC';
const KEY_MAX_LENGTH = 255;

/** Activity fields of the port (timeline workflow) and the Task fields that hold them. */
const TASK_FIELDS: Readonly<Record<string, string>> = {
  interactionId: 'CallObject',
  durationSeconds: 'CallDurationInSeconds',
  disposition: 'CallDisposition',
};

export interface SalesforceConnectorOptions {
  config: SalesforceConnectorConfig;
  configurationId: string;
  tokens: AccessTokens & { currentToken(): string | undefined };
  /** Secret values to scrub from any text that leaves the connector. */
  secretValues: readonly string[];
  defaultRegion: string;
  clock: () => Date;
  logger: Logger;
}

type SearchObject = keyof typeof PHONE_FIELDS;

/**
 * Salesforce through jsforce (REST API): SOSL for Search for ANI and by email, SOQL for Custom Search, open
 * cases and timelines, sObject resources for records. Each port call gets its own jsforce Connection over a
 * transport bound to the call's AbortSignal (see transport.ts); tokens come from the configuration's flow.
 */
export class SalesforceConnector implements CrmConnector {
  readonly standardTypes = SALESFORCE_STANDARD_TYPES;
  /** Salesforce can do every workflow of the catalogue. */
  readonly unsupported = {};

  constructor(private readonly options: SalesforceConnectorOptions) {}

  async findByPhone(e164: string, { signal }: CallOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const { defaultRegion } = this.options;
    const wanted = toE164(e164, defaultRegion);
    if (!wanted) return [];
    const objects: SearchObject[] = ['Account', 'Contact', 'Lead'];
    // Search by the digits however they may be stored (national, with country code, with trunk prefix),
    // then keep only the records whose phone normalizes to the very number asked for.
    const sosl = `FIND {${phoneSearchWords(wanted).map(soslWord).join(' OR ')}} IN PHONE FIELDS RETURNING ${this.returning(objects)} LIMIT ${MAX_ROWS}`;
    const result = await this.call(signal, 'read', 'Account', (conn) => conn.search(sosl));
    return this.searchRecords(result).filter((record) =>
      (PHONE_FIELDS[record.type as SearchObject] ?? []).some((field) => {
        const value = record.fields[field];
        return typeof value === 'string' && toE164(value, defaultRegion) === wanted;
      }),
    );
  }

  async findByEmail(email: string, { signal }: CallOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const address = email.trim();
    if (address.length < 3 || /\s/.test(address)) return [];
    const sosl = `FIND {${soslWord(address)}} IN EMAIL FIELDS RETURNING ${this.returning(['Contact', 'Lead'])} LIMIT ${MAX_ROWS}`;
    const result = await this.call(signal, 'read', 'Contact', (conn) => conn.search(sosl));
    const lower = address.toLowerCase();
    return this.searchRecords(result).filter((record) => typeof record.fields.Email === 'string' && record.fields.Email.toLowerCase() === lower);
  }

  async openCases(record: RecordRef, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    const field = record.type === 'Contact' ? 'ContactId' : record.type === 'Account' ? 'AccountId' : undefined;
    if (!field || !isSalesforceId(record.id)) return [];
    const rows = rowLimit(limit);
    const soql = `SELECT FIELDS(ALL) FROM Case WHERE ${field} = ${soqlString(record.id)} AND IsClosed = false ${NEWEST_FIRST} LIMIT ${rows}`;
    return this.call(signal, 'read', 'Case', (conn) => this.soql(conn, soql, rows, 'Case'));
  }

  async query(entity: string, filter: FilterExpr | null, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    assertObjectName(entity);
    const where = filter ? ` WHERE ${filterToSoql(filter)}` : '';
    const rows = rowLimit(limit);
    const soql = `SELECT FIELDS(ALL) FROM ${entity}${where} ${NEWEST_FIRST} LIMIT ${rows}`;
    return this.call(signal, 'query', entity, (conn) => this.soql(conn, soql, rows, entity));
  }

  async get(ref: RecordRef, { signal }: CallOptions): Promise<CrmRecord | null> {
    signal.throwIfAborted();
    assertObjectName(ref.type, 'type');
    if (!isSalesforceId(ref.id)) return null;
    try {
      return await this.call(signal, 'read', ref.type, (conn) => this.retrieve(conn, ref));
    } catch (error) {
      if (error instanceof CrmError && error.status === 404) return null;
      throw error;
    }
  }

  async create(type: string, fields: Record<string, FieldValue>, { signal }: CallOptions): Promise<CrmRecord> {
    signal.throwIfAborted();
    assertObjectName(type);
    try {
      return await this.call(signal, 'write', type, async (conn) => {
        const saved = await conn.request<SaveResult>({
          method: 'POST',
          url: `/sobjects/${type}`,
          body: JSON.stringify(fields),
          headers: { 'content-type': 'application/json' },
        });
        if (!saved.success) throw new CrmError(`Salesforce did not create the ${type}`, 400, { [type]: saved.errors.map((e) => e.message).join('; ') });
        // The POST answers only the id; the record's computed fields (CaseNumber, Name...) come from a read.
        return this.retrieve(conn, { type, id: saved.id });
      });
    } catch (error) {
      if (error instanceof CrmError && error.status === 404) {
        throw new CrmError(`Salesforce has no object "${type}"`, 400, { entity: `Salesforce has no object "${type}" (or the integration user cannot see it)` });
      }
      throw error;
    }
  }

  async update(ref: RecordRef, fields: Record<string, FieldValue>, { signal }: CallOptions): Promise<CrmRecord> {
    signal.throwIfAborted();
    assertObjectName(ref.type, 'type');
    if (!isSalesforceId(ref.id)) throw new CrmError(`${ref.type} ${ref.id} does not exist`, 404);
    return this.call(signal, 'write', ref.type, async (conn) => {
      await conn.request({
        method: 'PATCH',
        url: `/sobjects/${ref.type}/${ref.id}`,
        body: JSON.stringify(fields),
        headers: { 'content-type': 'application/json' },
      });
      return this.retrieve(conn, ref);
    });
  }

  async logActivity(activity: ActivityInput, { signal }: CallOptions): Promise<{ record: CrmRecord; created: boolean }> {
    signal.throwIfAborted();
    const { regarding } = activity;
    assertObjectName(regarding.type, 'regarding');
    if (!isSalesforceId(regarding.id)) throw new CrmError(`${regarding.type} ${regarding.id} does not exist`, 404);
    const key = activityKey(activity.key);
    const task = this.taskFields(activity, key);
    return this.call(signal, 'write', 'Task', async (conn) => {
      const existing = await this.findActivity(conn, key);
      if (existing) return { record: existing, created: false };
      try {
        const saved = await conn.request<SaveResult>({
          method: 'POST',
          url: '/sobjects/Task',
          body: JSON.stringify(task),
          headers: { 'content-type': 'application/json' },
        });
        if (!saved.success) throw new CrmError('Salesforce did not create the task', 400, { Task: saved.errors.map((e) => e.message).join('; ') });
        // The task as written; no second read, so that the timeline costs one lookup and one write.
        return { record: toCrmRecord({ attributes: { type: 'Task' }, Id: saved.id, ...task }, 'Task'), created: true };
      } catch (error) {
        if (hasErrorCode(error, ['DUPLICATE_VALUE'])) {
          // Another call with the same key won the race: the key field is unique, so its task is the one.
          const raced = await this.findActivity(conn, key);
          if (raced) return { record: raced, created: false };
        }
        if (hasErrorCode(error, ['INVALID_CROSS_REFERENCE_KEY', 'FIELD_INTEGRITY_EXCEPTION', 'MALFORMED_ID'], ['WhoId', 'WhatId'])) {
          throw new CrmError(`${regarding.type} ${regarding.id} does not exist`, 404);
        }
        throw error;
      }
    });
  }

  async listActivities(ref: RecordRef, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    assertObjectName(ref.type, 'type');
    if (!isSalesforceId(ref.id)) return [];
    const rows = rowLimit(limit);
    const soql = `SELECT FIELDS(ALL) FROM Task WHERE ${whoOrWhat(ref.type)} = ${soqlString(ref.id)} ${NEWEST_FIRST} LIMIT ${rows}`;
    return this.call(signal, 'read', 'Task', (conn) => this.soql(conn, soql, rows, 'Task'));
  }

  /** One port call: its own jsforce Connection over a transport bound to the call's signal. */
  private async call<T>(signal: AbortSignal, operation: Operation, type: string, work: (conn: Connection) => Promise<T>): Promise<T> {
    signal.throwIfAborted();
    const { config, configurationId, tokens, logger, clock } = this.options;
    const transport = new SalesforceTransport({ signal, tokens, retry: config.retry, logger, clock });
    const conn = new Connection({ instanceUrl: config.instanceUrl, version: config.apiVersion });
    conn._transport = transport.asJsforce();
    try {
      return await work(conn);
    } catch (error) {
      if (signal.aborted) throw signal.reason as Error;
      throw toCrmError(error, { operation, type, configurationId, status: transport.lastStatus, redact: (text) => this.redact(text) });
    }
  }

  /** Runs a SOQL query and follows nextRecordsUrl until `rows` records or the end. */
  private async soql(conn: Connection, soql: string, rows: number, type: string): Promise<CrmRecord[]> {
    const result: QueryResult<JsforceRecord> = await conn.query(soql, { autoFetch: true, maxFetch: rows });
    return result.records.slice(0, rows).map((raw) => toCrmRecord(raw as SObjectJson, type));
  }

  private async retrieve(conn: Connection, ref: RecordRef): Promise<CrmRecord> {
    const raw = await conn.request<SObjectJson>({ method: 'GET', url: `/sobjects/${ref.type}/${ref.id}` });
    return toCrmRecord(raw, ref.type);
  }

  private async findActivity(conn: Connection, key: string): Promise<CrmRecord | null> {
    const field = this.options.config.activityKeyField;
    const soql = `SELECT FIELDS(ALL) FROM Task WHERE ${field} = ${soqlString(key)} ORDER BY CreatedDate ASC, Id ASC LIMIT 1`;
    return (await this.soql(conn, soql, 1, 'Task'))[0] ?? null;
  }

  private searchRecords(result: SearchResult): CrmRecord[] {
    return (result.searchRecords ?? []).map((raw) => toCrmRecord(raw as SObjectJson, ''));
  }

  /** SOSL RETURNING clause: each object with its search fields, the configured extras and its phones. */
  private returning(objects: SearchObject[]): string {
    const extra = this.options.config.searchFields;
    return objects
      .map((object) => {
        const fields = [...new Set([...SEARCH_FIELDS[object], ...PHONE_FIELDS[object], ...(extra[object] ?? [])])].filter(isFieldPath);
        return `${object}(${fields.join(', ')})`;
      })
      .join(', ');
  }

  /** The Task of a timeline entry: a completed call, regarding the record, carrying the idempotency key. */
  private taskFields(activity: ActivityInput, key: string): Record<string, FieldValue> {
    const task: Record<string, FieldValue> = {
      Subject: activity.subject.slice(0, 255),
      Description: activity.description.slice(0, 32_000),
      Status: 'Completed',
      TaskSubtype: 'Call',
      ActivityDate: this.options.clock().toISOString().slice(0, 10),
      [whoOrWhat(activity.regarding.type)]: activity.regarding.id,
    };
    for (const [name, value] of Object.entries(activity.fields)) {
      const field = TASK_FIELDS[name] ?? (/^[A-Za-z][A-Za-z0-9_]*__c$/.test(name) ? name : undefined);
      if (!field || value === null || value === undefined) continue;
      task[field] = typeof value === 'string' && field !== 'Description' ? value.slice(0, 255) : value;
    }
    task[this.options.config.activityKeyField] = key;
    return task;
  }

  /** Removes secrets and tokens from text that came back from Salesforce or jsforce. */
  private redact(text: string): string {
    let out = text;
    for (const secret of [...this.options.secretValues, this.options.tokens.currentToken() ?? '']) {
      if (secret.length >= 4) out = out.split(secret).join('[redacted]');
    }
    return out.replace(/Bearer\s+\S+/gi, 'Bearer [redacted]').replace(/\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]+/g, '[redacted]');
  }
}

/** People (contacts, leads) are a task's "who"; every other record is its "what". */
function whoOrWhat(type: string): 'WhoId' | 'WhatId' {
  return type === 'Contact' || type === 'Lead' ? 'WhoId' : 'WhatId';
}

function rowLimit(limit: number): number {
  return Math.min(Math.max(1, Math.floor(limit)), MAX_ROWS);
}

/** Keys longer than the Text(255) field are stored as their hash: still one value per key. */
function activityKey(key: string): string {
  return key.length <= KEY_MAX_LENGTH ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/** The digit strings a phone field may hold for this number: national, international, national with trunk prefix. */
function phoneSearchWords(e164: string): string[] {
  const parsed = parsePhoneNumberFromString(e164);
  const words = new Set<string>([e164.replace(/\D/g, '')]);
  if (parsed) {
    words.add(String(parsed.nationalNumber));
    words.add(parsed.formatNational().replace(/\D/g, ''));
  }
  return [...words].filter((w) => w.length >= 2);
}

/** Whether jsforce's error carries one of these Salesforce error codes (on one of these fields, if given). */
function hasErrorCode(error: unknown, codes: string[], fields?: string[]): boolean {
  if (!isJsforceApiError(error)) return false;
  const data = (error as { data?: unknown }).data;
  const items = (Array.isArray(data) ? data : [data]) as Array<{ errorCode?: string; fields?: string[]; message?: string } | undefined>;
  return items.some(
    (item) =>
      !!item &&
      codes.includes(item.errorCode ?? error.errorCode) &&
      (!fields || fields.some((f) => item.fields?.includes(f) || item.message?.includes(f) === true)),
  );
}
