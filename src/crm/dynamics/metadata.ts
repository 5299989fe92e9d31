import { CrmError } from '../port.js';
import { untilAborted } from '../shared/untilAborted.js';
import type { DataverseClient } from './dataverseClient.js';

/** A choice (option set) value and its label in the user's language. */
export interface ChoiceOption {
  value: number;
  label: string;
  /** For status reasons: the state (statecode) the reason belongs to. */
  state?: number;
}

/** A column of a table, as the Web API needs to know it to write and filter it. */
export interface ColumnInfo {
  /** Logical name, e.g. "telephone1". */
  name: string;
  /** AttributeType ("String", "Lookup", "Picklist"...); "MultiSelectPicklist" for multi-select choices. */
  type: string;
  /** Set for columns derived from another (e.g. "parentcustomeridname" of "parentcustomerid"): not queryable. */
  attributeOf: string | null;
  options?: ChoiceOption[];
  /** Text columns: how many characters they hold. */
  maxLength?: number;
}

/** A single-valued navigation property: how a lookup column is written ("<name>@odata.bind"). */
export interface Navigation {
  /** Exact name, e.g. "parentcustomerid_account" or "regardingobjectid_contact_phonecall". */
  name: string;
  /** The lookup column it sets, e.g. "parentcustomerid". */
  column: string;
  /** The table it points to, and that table's entity set. */
  target: string;
  targetSet: string;
}

export interface TableInfo {
  logicalName: string;
  entitySetName: string;
  primaryId: string;
  primaryName: string | null;
  /** Columns by logical name. */
  columns: ReadonlyMap<string, ColumnInfo>;
  /** Navigation properties of lookups, by lowercased name. */
  navigations: ReadonlyMap<string, Navigation>;
  /** The navigation properties of each lookup column (several for customer and regarding lookups). */
  lookups: ReadonlyMap<string, readonly Navigation[]>;
}

export const LOOKUP_TYPES = new Set(['Lookup', 'Customer', 'Owner']);
export const CHOICE_TYPES = new Set(['Picklist', 'State', 'Status']);

interface EntitySetRow {
  LogicalName: string;
  EntitySetName: string | null;
}
interface EntityDefinitionRow extends EntitySetRow {
  PrimaryIdAttribute: string;
  PrimaryNameAttribute: string | null;
  Attributes?: Array<{ LogicalName: string; AttributeType: string; AttributeOf: string | null; AttributeTypeName?: { Value?: string } | null }>;
  ManyToOneRelationships?: Array<{ ReferencingAttribute: string; ReferencedEntity: string; ReferencingEntityNavigationPropertyName: string }>;
}
interface OptionRow {
  Value: number;
  State?: number;
  Label?: { UserLocalizedLabel?: { Label?: string } | null; LocalizedLabels?: Array<{ Label?: string }> } | null;
}
interface ChoiceColumnRow {
  LogicalName: string;
  OptionSet?: { Options?: OptionRow[] } | null;
}
interface TextColumnRow {
  LogicalName: string;
  MaxLength?: number | null;
}

const CHOICE_CASTS = [
  'Microsoft.Dynamics.CRM.PicklistAttributeMetadata',
  'Microsoft.Dynamics.CRM.StatusAttributeMetadata',
  'Microsoft.Dynamics.CRM.StateAttributeMetadata',
  'Microsoft.Dynamics.CRM.MultiSelectPicklistAttributeMetadata',
];
const TEXT_CASTS = ['Microsoft.Dynamics.CRM.StringAttributeMetadata', 'Microsoft.Dynamics.CRM.MemoAttributeMetadata'];

/** Table definitions change rarely; they are read again after an hour (a new column shows up then). */
const TTL_MS = 60 * 60 * 1000;

/**
 * Table definitions (EntityDefinitions) of the environment, read once and cached: entity set names, primary
 * columns, column types, choice labels and lookup navigation properties. One table costs one $batch.
 */
export class DataverseMetadata {
  private sets: { at: number; value: Promise<Map<string, EntitySetRow>> } | null = null;
  private readonly tables = new Map<string, { at: number; value: Promise<TableInfo> }>();

  constructor(
    private readonly client: DataverseClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** The table a record type names (logical name, or entity set name), or null when the environment has none. */
  async resolve(entity: string, signal: AbortSignal): Promise<TableInfo | null> {
    const sets = await this.entitySets(signal);
    const lower = entity.toLowerCase();
    const row = sets.get(lower) ?? [...sets.values()].find((s) => s.EntitySetName === entity);
    return row?.EntitySetName ? this.table(row.LogicalName, signal) : null;
  }

  /** Like resolve, but an unknown type is the caller's mistake: CrmError 400 naming `field`. */
  async require(entity: string, signal: AbortSignal, field = 'entity'): Promise<TableInfo> {
    const table = await this.resolve(entity, signal);
    if (!table) throw new CrmError(`Dynamics 365 has no table "${entity}"`, 400, { [field]: `Dynamics 365 has no table "${entity}"` });
    return table;
  }

  async table(logicalName: string, signal: AbortSignal): Promise<TableInfo> {
    return this.cached(this.tables, logicalName, () => this.loadTable(logicalName), signal);
  }

  private async entitySets(signal: AbortSignal): Promise<Map<string, EntitySetRow>> {
    if (!this.sets || this.now() - this.sets.at > TTL_MS) {
      const value = this.client
        .call({ operation: 'read the table definitions' }, AbortSignal.timeout(60_000), (api) =>
          api.retrieveEntities<EntitySetRow>({ select: ['LogicalName', 'EntitySetName'] }),
        )
        .then((response) => new Map(response.value.map((row) => [row.LogicalName, row])));
      this.sets = { at: this.now(), value };
      value.catch(() => {
        if (this.sets?.value === value) this.sets = null;
      });
    }
    return untilAborted(this.sets.value, signal);
  }

  private async cached<T>(cache: Map<string, { at: number; value: Promise<T> }>, key: string, load: () => Promise<T>, signal: AbortSignal): Promise<T> {
    let entry = cache.get(key);
    if (!entry || this.now() - entry.at > TTL_MS) {
      const value = load();
      entry = { at: this.now(), value };
      cache.set(key, entry);
      // A failed read is not remembered: the next call tries again.
      value.catch(() => {
        if (cache.get(key)?.value === value) cache.delete(key);
      });
    }
    return untilAborted(entry.value, signal);
  }

  /** One $batch: the table with its columns and lookups, the options of each kind of choice column, text lengths. */
  private async loadTable(logicalName: string): Promise<TableInfo> {
    const signal = AbortSignal.timeout(60_000);
    const sets = await this.entitySets(signal);
    const key = `LogicalName='${logicalName}'`;
    const [definition, ...lists] = await this.client.batch({ operation: `read the definition of table ${logicalName}` }, signal, (api) => [
      api.retrieveEntity({
        key,
        select: ['LogicalName', 'EntitySetName', 'PrimaryIdAttribute', 'PrimaryNameAttribute'],
        expand: [
          { property: 'Attributes', select: ['LogicalName', 'AttributeType', 'AttributeOf', 'AttributeTypeName'] },
          { property: 'ManyToOneRelationships', select: ['ReferencingAttribute', 'ReferencedEntity', 'ReferencingEntityNavigationPropertyName'] },
        ],
      }),
      ...CHOICE_CASTS.map((castType) =>
        api.retrieveAttributes({ entityKey: key, castType, select: ['LogicalName'], expand: [{ property: 'OptionSet', select: ['Options'] }] }),
      ),
      ...TEXT_CASTS.map((castType) => api.retrieveAttributes({ entityKey: key, castType, select: ['LogicalName', 'MaxLength'] })),
    ]);
    const entity = definition as EntityDefinitionRow;
    const options = new Map<string, ChoiceOption[]>();
    for (const list of lists.slice(0, CHOICE_CASTS.length) as Array<{ value: ChoiceColumnRow[] }>) {
      for (const column of list.value) options.set(column.LogicalName, (column.OptionSet?.Options ?? []).map(toOption));
    }
    const lengths = new Map<string, number>();
    for (const list of lists.slice(CHOICE_CASTS.length) as Array<{ value: TextColumnRow[] }>) {
      for (const column of list.value) if (typeof column.MaxLength === 'number') lengths.set(column.LogicalName, column.MaxLength);
    }
    const columns = new Map<string, ColumnInfo>();
    for (const a of entity.Attributes ?? []) {
      const type = a.AttributeTypeName?.Value === 'MultiSelectPicklistType' ? 'MultiSelectPicklist' : a.AttributeType;
      columns.set(a.LogicalName, { name: a.LogicalName, type, attributeOf: a.AttributeOf ?? null, options: options.get(a.LogicalName), maxLength: lengths.get(a.LogicalName) });
    }
    const navigations = new Map<string, Navigation>();
    const lookups = new Map<string, Navigation[]>();
    for (const r of entity.ManyToOneRelationships ?? []) {
      const targetSet = sets.get(r.ReferencedEntity)?.EntitySetName;
      if (!targetSet || !r.ReferencingEntityNavigationPropertyName) continue;
      const nav = { name: r.ReferencingEntityNavigationPropertyName, column: r.ReferencingAttribute, target: r.ReferencedEntity, targetSet };
      navigations.set(nav.name.toLowerCase(), nav);
      lookups.set(nav.column, [...(lookups.get(nav.column) ?? []), nav]);
    }
    return {
      logicalName: entity.LogicalName,
      entitySetName: entity.EntitySetName ?? sets.get(logicalName)?.EntitySetName ?? logicalName,
      primaryId: entity.PrimaryIdAttribute,
      primaryName: entity.PrimaryNameAttribute ?? null,
      columns,
      navigations,
      lookups,
    };
  }
}

function toOption(row: OptionRow): ChoiceOption {
  const label = row.Label?.UserLocalizedLabel?.Label ?? row.Label?.LocalizedLabels?.[0]?.Label ?? String(row.Value);
  return row.State === undefined ? { value: row.Value, label } : { value: row.Value, label, state: row.State };
}
