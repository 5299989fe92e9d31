import type { Logger } from 'pino';
import type { ServiceNowClient, ServiceNowRow } from './http.js';

export interface ScanSettings {
  client: ServiceNowClient;
  configurationId: string;
  pageSize: number;
  maxScan: number;
  logger: Logger;
}

/**
 * Rows of a query, following the Link header page by page, until `max` rows passed `keep` or `maxScan`
 * rows were read. `params` carries sysparm_display_value / sysparm_fields.
 */
export async function scan(
  settings: ScanSettings,
  table: string,
  query: string,
  params: Record<string, string>,
  signal: AbortSignal,
  max: number,
  keep: (row: ServiceNowRow) => boolean = () => true,
): Promise<ServiceNowRow[]> {
  const { client, pageSize, maxScan } = settings;
  const out: ServiceNowRow[] = [];
  let read = 0;
  let page = await client.page(table, { ...params, sysparm_query: query, sysparm_limit: String(pageSize) }, signal);
  for (;;) {
    for (const row of page.rows) {
      read++;
      if (keep(row)) out.push(row);
      if (out.length >= max) return out;
    }
    if (!page.next || page.rows.length === 0) return out;
    if (read >= maxScan) {
      settings.logger.info({ configurationId: settings.configurationId, table, read }, 'ServiceNow search stopped at maxScan rows');
      return out;
    }
    page = await client.pageAt(page.next, signal, table);
  }
}
