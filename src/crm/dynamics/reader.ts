import type { RetrieveMultipleRequest, RetrieveMultipleResponse } from 'dynamics-web-api';
import type { Logger } from 'pino';
import type { CrmError } from '../port.js';
import type { DataverseClient } from './dataverseClient.js';
import { selectOf } from './describe.js';
import { LOOKUP_TYPES, type TableInfo } from './metadata.js';
import type { ODataParams } from './odataFilter.js';

export type Row = Record<string, unknown>;

/** A query of one table: its request (first page) and the table it reads. */
export interface TableQuery {
  table: TableInfo;
  request: RetrieveMultipleRequest;
}

/**
 * Reads rows of tables: requests with $select of what a person reads (describe.ts) and every annotation
 * (lookup names, choice labels), paging through @odata.nextLink, and several tables' first pages in one $batch.
 */
export class DataverseReader {
  constructor(
    private readonly client: DataverseClient,
    private readonly pageSize: number,
    private readonly logger: Logger,
  ) {}

  /** A query's request; `columns` are selected besides the shown ones (the columns a search compares). */
  request(table: TableInfo, filter: string | undefined, params: ODataParams, limit: number, orderBy?: string[], columns: readonly string[] = []): RetrieveMultipleRequest {
    const extra = columns.filter((c) => table.columns.has(c)).map((c) => (LOOKUP_TYPES.has(table.columns.get(c)!.type) ? `_${c}_value` : c));
    return {
      collection: table.entitySetName,
      select: [...new Set([...selectOf(table), ...extra])],
      filter,
      queryParams: params.toQueryParams(),
      orderBy,
      maxPageSize: Math.max(1, Math.min(limit, this.pageSize)),
      includeAnnotations: '*',
    };
  }

  /** The rows of a query, following @odata.nextLink until `limit` rows (or the last page). */
  async collect(operation: string, request: RetrieveMultipleRequest, limit: number, signal: AbortSignal, first?: RetrieveMultipleResponse<Row>): Promise<Row[]> {
    let page = first ?? (await this.client.call({ operation }, signal, (api) => api.retrieveMultiple<Row>({ ...request, signal })));
    const rows = [...page.value];
    while (rows.length < limit && page.oDataNextLink) {
      const next = page.oDataNextLink;
      page = await this.client.call({ operation }, signal, (api) => api.retrieveMultiple<Row>({ ...request, signal }, next));
      rows.push(...page.value);
    }
    return rows.slice(0, limit);
  }

  /**
   * Several queries whose first pages go in one $batch (sent with Prefer: odata.continue-on-error); each
   * query's next pages follow on their own. A query Dataverse refuses (a missing privilege on its table, say)
   * is its CrmError in its place, and the others' rows are kept. A query that reaches `limit` rows is cut
   * there, and said so in the log (its last matches may be missing).
   */
  async settled(operation: string, queries: readonly TableQuery[], limit: number, signal: AbortSignal): Promise<Array<Row[] | CrmError>> {
    if (queries.length === 0) return [];
    const parts = await this.client.batchSettled({ operation }, signal, (api) => queries.map(({ request }) => api.retrieveMultiple<Row>(request)));
    return Promise.all(
      queries.map(async (query, i) => {
        const part = parts[i]!;
        if (!part.ok) return part.error;
        const rows = await this.collect(operation, query.request, limit + 1, signal, part.value as RetrieveMultipleResponse<Row>);
        return this.cut(operation, query, rows, limit);
      }),
    );
  }

  /**
   * Like `settled`, for searches whose answer has no room to name a refusal (Search for ANI, by email): a
   * table Dataverse refuses (403: a privilege the application user lacks, prvReadLead on an org without
   * Dynamics 365 Sales rights, say) is left out and logged with its privilege, and the other tables' rows
   * are kept. When every table is refused, or any fails otherwise, the search fails with that error.
   */
  async tolerant(operation: string, queries: readonly TableQuery[], limit: number, signal: AbortSignal): Promise<Row[][]> {
    const results = await this.settled(operation, queries, limit, signal);
    const failures = results.filter((r): r is CrmError => !Array.isArray(r));
    const other = failures.find((f) => f.status !== 403);
    if (other) throw other;
    if (failures.length > 0 && failures.length === results.length) throw failures[0]!;
    for (const [i, result] of results.entries()) {
      if (!Array.isArray(result)) this.logger.warn({ operation, table: queries[i]!.table.logicalName, reason: result.message }, 'Dynamics 365 refused to search a table; searched the others');
    }
    return results.map((r) => (Array.isArray(r) ? r : []));
  }

  private cut(operation: string, query: TableQuery, rows: Row[], limit: number): Row[] {
    if (rows.length > limit) {
      this.logger.warn({ operation, table: query.table.logicalName, limit }, 'Dynamics 365 search stopped at its candidate limit; matches may be missing');
    }
    return rows.slice(0, limit);
  }
}
