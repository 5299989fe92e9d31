import type { Logger } from 'pino';
import { CrmError } from '../port.js';
import type { Metadata, TableMeta } from './metadata.js';
import { canonicalColumns } from './records.js';

/** Every read asks for values and display values: a reference's name, a choice's label (issue 11, item 12). */
export const DISPLAY_PARAMS = { sysparm_display_value: 'all', sysparm_exclude_reference_link: 'true' } as const;

/** Columns every read needs, whatever the dictionary says people see. */
const ALWAYS = ['sys_id', 'sys_class_name', 'sys_created_on', 'sys_updated_on', 'number', 'name'];

/**
 * The sysparm_fields of a read: the columns the table's dictionary shows people, the ones the canonical
 * mapping and the caller need, and the system columns the connector orders by. Asking for a column the
 * table does not have is harmless (ServiceNow leaves it out of the answer), which is how the connector
 * tells an unknown column. Without the right to read the dictionary (403), reads ask for every column.
 */
export class ReadFields {
  constructor(
    private readonly metadata: Metadata,
    private readonly logger: Logger,
    private readonly configurationId: string,
  ) {}

  async params(table: string, extra: readonly string[], signal: AbortSignal): Promise<Record<string, string>> {
    const meta = await this.meta(table, signal);
    if (!meta) return { ...DISPLAY_PARAMS };
    const fields = new Set([...ALWAYS, ...canonicalColumns(table), ...Object.keys(meta.description.fields), ...extra]);
    return { ...DISPLAY_PARAMS, sysparm_fields: [...fields].join(',') };
  }

  /** The table's metadata, or undefined when it is refused (403) or unknown (404: the call itself will say "Invalid table"). */
  async meta(table: string, signal: AbortSignal): Promise<TableMeta | undefined> {
    try {
      return await this.metadata.table(table, signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      // A throttled or failing instance fails the call as well.
      if (!(error instanceof CrmError && (error.status === 403 || error.status === 404))) throw error;
      this.logger.debug({ configurationId: this.configurationId, table, status: error.status }, 'ServiceNow metadata unavailable; reading every column');
      return undefined;
    }
  }
}
