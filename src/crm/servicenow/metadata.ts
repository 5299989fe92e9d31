import { CrmError, type FieldDescription, type RecordTypeDescription } from '../port.js';
import { encodeQuery } from './encodedQuery.js';
import type { ServiceNowClient, ServiceNowRow } from './http.js';
import { flatFields } from './records.js';

/** A table as its metadata describes it: what the port shows, and every column it has (internal ones too). */
export interface TableMeta {
  description: RecordTypeDescription;
  columns: ReadonlySet<string>;
}

/** How far up a table's parents (customer_contact → sys_user, sn_customerservice_case → task) are followed. */
const MAX_DEPTH = 8;
const PAGE = '500';
const RAW = { sysparm_display_value: 'false', sysparm_exclude_reference_link: 'true' } as const;

/** Column types (sys_dictionary.internal_type) people do not read: ids, class names, journals read back empty. */
const INTERNAL_TYPES = new Set(['collection', 'GUID', 'sys_class_name', 'domain_id', 'domain_path', 'password', 'password2', 'journal', 'journal_input', 'journal_list', 'user_roles', 'variables']);

function kindOf(internalType: string, hasChoices: boolean): FieldDescription['kind'] {
  if (hasChoices) return 'choice';
  switch (internalType) {
    case 'integer':
    case 'longint':
    case 'decimal':
    case 'float':
    case 'currency':
    case 'price':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'glide_date':
      return 'date';
    case 'glide_date_time':
    case 'due_date':
    case 'calendar_date_time':
      return 'datetime';
    case 'ph_number':
      return 'phone';
    case 'email':
      return 'email';
    case 'reference':
    case 'document_id':
      return 'reference';
    default:
      return 'text';
  }
}

const yes = (v: unknown) => v === true || v === 'true';
const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/**
 * describe() for ServiceNow, from the platform's own metadata tables read through the Table API:
 * sys_db_object (the table's label and the tables it extends), sys_dictionary (each column's label,
 * internal_type, read_only, calculated, default), sys_dictionary_override (a child table's own default or
 * read-only), and sys_choice (the choices, the nearest table's list first: sn_customerservice_case has its
 * own 1-4 priorities over task's 1-5). Cached per table; an integration user without the rights to read
 * them gets the 403 ServiceNow answered.
 */
export class Metadata {
  private readonly cache = new Map<string, { at: number; value: Promise<TableMeta> }>();
  private readonly labels = new Map<string, string>();

  constructor(
    private readonly client: ServiceNowClient,
    private readonly clock: () => Date,
    private readonly ttlMs = 15 * 60_000,
  ) {}

  table(table: string, signal: AbortSignal): Promise<TableMeta> {
    const now = this.clock().getTime();
    const hit = this.cache.get(table);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = this.load(table, signal);
    this.cache.set(table, { at: now, value });
    // A refusal (403: no right to read the dictionary) is kept like an answer; any other failure is asked again.
    value.then(
      (meta) => this.labels.set(table, meta.description.label),
      (error: unknown) => {
        if (!(error instanceof CrmError && error.status === 403)) this.cache.delete(table);
      },
    );
    return value;
  }

  /** The label of a table already described, without calling ServiceNow. */
  cachedLabel(table: string): string | undefined {
    return this.labels.get(table);
  }

  private async load(table: string, signal: AbortSignal): Promise<TableMeta> {
    const chain: string[] = [];
    let label = table;
    for (let name: string | undefined = table; name && chain.length < MAX_DEPTH && !chain.includes(name);) {
      const rows = await this.rows('sys_db_object', [[{ field: 'name', op: '=', value: name }]], ['name', 'label', 'super_class.name'], signal);
      const row = rows.find((r) => str(r.name) === name);
      if (!row) {
        if (chain.length === 0) throw new CrmError(`ServiceNow has no table "${table}"`, 404, { entity: `ServiceNow has no table "${table}"` });
        break;
      }
      if (chain.length === 0) label = str(row.label) || table;
      chain.push(name);
      name = str(row['super_class.name']) || undefined;
    }
    const inChain = [{ field: 'name', op: 'IN' as const, value: chain.join(',') }];
    const [dictionary, overrides, choices] = await Promise.all([
      this.rows(
        'sys_dictionary',
        [inChain, [{ field: 'element', op: 'ISNOTEMPTY' }]],
        ['name', 'element', 'column_label', 'internal_type', 'read_only', 'virtual', 'choice', 'default_value', 'active'],
        signal,
      ),
      this.rows('sys_dictionary_override', [inChain], ['name', 'element', 'default_value_override', 'default_value', 'read_only_override', 'read_only'], signal),
      this.rows('sys_choice', [inChain, [{ field: 'inactive', op: '=', value: 'false' }], [{ field: 'language', op: '=', value: 'en' }]], ['name', 'element', 'value', 'label', 'sequence'], signal),
    ]);
    // The nearest table wins: rank each row by its table's place in the chain.
    const rank = (row: ServiceNowRow) => chain.indexOf(str(row.name));
    const nearest = <T extends ServiceNowRow>(rows: T[]) => [...rows].sort((a, b) => rank(a) - rank(b));

    const columns = new Set<string>();
    const fields: Record<string, FieldDescription> = {};
    for (const entry of nearest(dictionary)) {
      const element = str(entry.element);
      if (!element || columns.has(element) || entry.active === 'false') continue;
      columns.add(element);
      const internalType = str(entry.internal_type);
      if (element.startsWith('sys_') || INTERNAL_TYPES.has(internalType)) continue;
      const override = nearest(overrides).find((o) => str(o.element) === element && rank(o) < rank(entry));
      const list = nearest(choices.filter((c) => str(c.element) === element));
      const own = list.filter((c) => str(c.name) === str(list[0]?.name)).sort((a, b) => Number(a.sequence || 0) - Number(b.sequence || 0));
      const readOnly = override && yes(override.read_only_override) ? yes(override.read_only) : yes(entry.read_only);
      const defaultValue = override && yes(override.default_value_override) ? str(override.default_value) : str(entry.default_value);
      const described: FieldDescription = {
        label: str(entry.column_label) || element,
        kind: kindOf(internalType, own.length > 0),
        writable: !readOnly && !yes(entry.virtual),
      };
      if (own.length > 0) described.choices = own.map((c) => ({ value: str(c.value), label: str(c.label) || str(c.value) }));
      // A default written as a script ("javascript:...") is computed by ServiceNow: not a value to show.
      if (defaultValue && !/^\s*javascript\s*:/i.test(defaultValue)) described.defaultValue = defaultValue;
      fields[element] = described;
    }
    return { description: { type: table, label, fields }, columns };
  }

  /** Every row of a metadata query, page by page (raw values). */
  private async rows(table: string, group: Parameters<typeof encodeQuery>[0][number], wanted: string[], signal: AbortSignal): Promise<ServiceNowRow[]> {
    const query = encodeQuery([group], 'type', ['sys_id']);
    const out: ServiceNowRow[] = [];
    let page = await this.client.page(table, { ...RAW, sysparm_query: query, sysparm_fields: wanted.join(','), sysparm_limit: PAGE }, signal);
    for (let n = 0; n < 40; n++) {
      out.push(...page.rows.map((row) => flatFields(row) as ServiceNowRow));
      if (!page.next || page.rows.length === 0) break;
      page = await this.client.pageAt(page.next, signal, table);
    }
    return out;
  }
}
