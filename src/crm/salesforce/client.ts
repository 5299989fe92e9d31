import { Connection, type QueryResult, type Record as JsforceRecord } from 'jsforce';
import type { Logger } from 'pino';
import type { CrmRecord } from '../../domain/crmRecord.js';
import { CrmError } from '../port.js';
import type { SalesforceConnectorConfig } from './config.js';
import { isJsforceApiError, toCrmError, type Operation } from './errors.js';
import { isDescribeJson, MetadataCache, toMetadata, type SObjectMetadata } from './metadata.js';
import { PHONE_FIELDS, SEARCH_FIELDS, toCrmRecord, type SearchObject, type SObjectJson } from './records.js';
import { isFieldPath } from './soql.js';
import type { AccessTokens } from './transport.js';
import { SalesforceTransport } from './transport.js';

/** What Salesforce answers a SELECT whose related names it cannot read (no such column, no such relationship). */
const RELATED_REFUSALS = new Set(['INVALID_FIELD', 'MALFORMED_QUERY']);

/** SOQL FIELDS(ALL) must come with a LIMIT of at most 200. */
export const MAX_ROWS = 200;

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

/**
 * What every port method of the Salesforce connector stands on: one jsforce Connection per port call over
 * a transport bound to the call's signal, errors turned into CrmErrors with secrets removed, the sObject
 * describes (cached), and records read with the names of the records they point at.
 */
export class SalesforceClient {
  private readonly metadataCache: MetadataCache;

  constructor(readonly options: SalesforceConnectorOptions) {
    this.metadataCache = new MetadataCache(options.clock);
  }

  /**
   * One port call. `operation` says whose text a refusal is about: 'write' (the caller's field values) and
   * 'query' (the caller's filter) name fields; 'read' is a request the connector built itself.
   */
  async call<T>(signal: AbortSignal, operation: Operation, type: string, work: (conn: Connection) => Promise<T>): Promise<T> {
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

  /** The describe of an sObject (cached); Salesforce answers 404 NOT_FOUND for a type it does not have. */
  cachedMetadata(type: string): SObjectMetadata | undefined {
    return this.metadataCache.get(type);
  }

  async metadata(conn: Connection, type: string): Promise<SObjectMetadata> {
    const cached = this.metadataCache.get(type);
    if (cached) return cached;
    const json = await conn.request<unknown>({ method: 'GET', url: `/sobjects/${type}/describe` });
    if (!isDescribeJson(json)) throw new CrmError(`Salesforce answered the describe of ${type} with something else`, 502);
    const metadata = toMetadata(json);
    this.metadataCache.set(type, metadata);
    return metadata;
  }

  /**
   * Records of one type with every field (FIELDS(ALL)) and the name of each record they point at
   * (Account.Name, Owner.Name...), so that a record read alone (Details) still shows its organization.
   * `clauses` is the WHERE / ORDER BY the caller built; the LIMIT is added here.
   */
  async read(conn: Connection, type: string, clauses: string, rows: number): Promise<CrmRecord[]> {
    const metadata = await this.metadata(conn, type);
    const related = [...new Set(metadata.relationships.values())].filter(isFieldPath);
    const select = async (paths: string[]) => {
      const soql = `SELECT ${['FIELDS(ALL)', ...paths].join(', ')} FROM ${type} ${clauses} LIMIT ${rows}`;
      const result: QueryResult<JsforceRecord> = await conn.query(soql, { autoFetch: true, maxFetch: rows });
      return result.records.slice(0, rows).map((raw) => toCrmRecord(raw as SObjectJson, type, metadata));
    };
    try {
      return await select(related);
    } catch (error) {
      // A related object of this org without a Name field (or hidden from the user) fails the whole read:
      // the record without its related names is better than no record. Said in the log, for an admin.
      if (related.length === 0 || !isJsforceApiError(error) || !RELATED_REFUSALS.has(error.errorCode)) throw error;
      this.options.logger.warn({ type, errorCode: error.errorCode }, 'Salesforce refused the related names of a read; reading the record without them');
      return select([]);
    }
  }

  /** Raw records (a search's, a write's echo) as CrmRecords, each with its type's describe. */
  async mapped(conn: Connection, raws: readonly SObjectJson[], fallbackType: string): Promise<CrmRecord[]> {
    const types = [...new Set(raws.map((raw) => raw.attributes?.type ?? fallbackType))].filter(Boolean);
    const metadata = new Map<string, SObjectMetadata>();
    for (const type of types) metadata.set(type, await this.metadata(conn, type));
    return raws.map((raw) => toCrmRecord(raw, fallbackType, metadata.get(raw.attributes?.type ?? fallbackType)));
  }

  /** SOSL RETURNING clause: each object with its search fields, the configured extras and its phones. */
  returning(objects: readonly SearchObject[], perObjectLimit?: number): string {
    const extra: Partial<Record<SearchObject, readonly string[]>> = this.options.config.searchFields;
    const limit = perObjectLimit ? ` LIMIT ${perObjectLimit}` : '';
    return objects
      .map((object) => {
        const fields = [...new Set([...SEARCH_FIELDS[object], ...(PHONE_FIELDS[object] ?? []), ...(extra[object] ?? [])])].filter(isFieldPath);
        return `${object}(${fields.join(', ')}${limit})`;
      })
      .join(', ');
  }

  /** Removes secrets and tokens from text that came back from Salesforce or jsforce. */
  redact(text: string): string {
    let out = text;
    for (const secret of [...this.options.secretValues, this.options.tokens.currentToken() ?? '']) {
      if (secret.length >= 4) out = out.split(secret).join('[redacted]');
    }
    return out.replace(/Bearer\s+\S+/gi, 'Bearer [redacted]').replace(/\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]+/g, '[redacted]');
  }
}

export function rowLimit(limit: number): number {
  return Math.min(Math.max(1, Math.floor(limit)), MAX_ROWS);
}
