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
  /** The column's display name in the user's language ("Business Phone"); empty for derived columns. */
  label: string;
  /** IsValidForRead / IsValidForCreate / IsValidForUpdate / IsValidForForm (true when the metadata is silent). */
  readable: boolean;
  creatable: boolean;
  updatable: boolean;
  onForms: boolean;
  /** Text columns: FormatName ("Phone", "Email", "Url", "Text"...). */
  format?: string;
  /** Choice columns: DefaultFormValue, the value a new record gets (absent when -1 or unset). */
  defaultValue?: number;
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
  /** The table's display name ("Case" for incident, "Phone Call" for phonecall). */
  label: string;
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

/** A column known only by its name and type (the metadata did not list it): readable and writable, no label. */
export function plainColumn(name: string, type: string, extra: Partial<ColumnInfo> = {}): ColumnInfo {
  return { name, type, attributeOf: null, label: '', readable: true, creatable: true, updatable: true, onForms: true, ...extra };
}

export const LOOKUP_TYPES = new Set(['Lookup', 'Customer', 'Owner']);
export const CHOICE_TYPES = new Set(['Picklist', 'State', 'Status']);

interface EntitySetRow {
  LogicalName: string;
  EntitySetName: string | null;
}
interface LabelRow {
  UserLocalizedLabel?: { Label?: string } | null;
  LocalizedLabels?: Array<{ Label?: string }>;
}
interface AttributeRow {
  LogicalName: string;
  AttributeType: string;
  AttributeOf: string | null;
  AttributeTypeName?: { Value?: string } | null;
  DisplayName?: LabelRow | null;
  IsValidForRead?: boolean | null;
  IsValidForCreate?: boolean | null;
  IsValidForUpdate?: boolean | null;
  IsValidForForm?: boolean | null;
}
interface EntityDefinitionRow extends EntitySetRow {
  PrimaryIdAttribute: string;
  PrimaryNameAttribute: string | null;
  DisplayName?: LabelRow | null;
  Attributes?: AttributeRow[];
  ManyToOneRelationships?: Array<{ ReferencingAttribute: string; ReferencedEntity: string; ReferencingEntityNavigationPropertyName: string }>;
}
interface OptionRow {
  Value: number;
  State?: number;
  Label?: LabelRow | null;
}
interface ChoiceColumnRow {
  LogicalName: string;
  DefaultFormValue?: number | null;
  OptionSet?: { Options?: OptionRow[] } | null;
}
interface TextColumnRow {
  LogicalName: string;
  MaxLength?: number | null;
  FormatName?: { Value?: string } | null;
}

const CHOICE_CASTS = [
  'Microsoft.Dynamics.CRM.PicklistAttributeMetadata',
  'Microsoft.Dynamics.CRM.StatusAttributeMetadata',
  'Microsoft.Dynamics.CRM.StateAttributeMetadata',
  'Microsoft.Dynamics.CRM.MultiSelectPicklistAttributeMetadata',
];
/** Text columns' lengths; and FormatName (Phone, Email...), which only StringAttributeMetadata has. */
const TEXT_CASTS = [
  { castType: 'Microsoft.Dynamics.CRM.StringAttributeMetadata', select: ['LogicalName', 'MaxLength', 'FormatName'] },
  { castType: 'Microsoft.Dynamics.CRM.MemoAttributeMetadata', select: ['LogicalName', 'MaxLength'] },
];

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
        .call({ operation: 'read the table definitions' }, AbortSignal.timeout(60_000), (api) => api.retrieveEntities<EntitySetRow>({ select: ['LogicalName', 'EntitySetName'] }))
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
        select: ['LogicalName', 'EntitySetName', 'PrimaryIdAttribute', 'PrimaryNameAttribute', 'DisplayName'],
        expand: [
          { property: 'Attributes', select: ATTRIBUTE_SELECT },
          { property: 'ManyToOneRelationships', select: ['ReferencingAttribute', 'ReferencedEntity', 'ReferencingEntityNavigationPropertyName'] },
        ],
      }),
      ...CHOICE_CASTS.map((castType) => api.retrieveAttributes({ entityKey: key, castType, select: ['LogicalName', 'DefaultFormValue'], expand: [{ property: 'OptionSet', select: ['Options'] }] })),
      ...TEXT_CASTS.map(({ castType, select }) => api.retrieveAttributes({ entityKey: key, castType, select })),
    ]);
    const entity = definition as EntityDefinitionRow;
    const choices = new Map<string, ChoiceColumnRow>();
    for (const list of lists.slice(0, CHOICE_CASTS.length) as Array<{ value: ChoiceColumnRow[] }>) {
      for (const column of list.value) choices.set(column.LogicalName, column);
    }
    const texts = new Map<string, TextColumnRow>();
    for (const list of lists.slice(CHOICE_CASTS.length) as Array<{ value: TextColumnRow[] }>) {
      for (const column of list.value) texts.set(column.LogicalName, column);
    }
    const columns = new Map<string, ColumnInfo>();
    for (const a of entity.Attributes ?? []) columns.set(a.LogicalName, toColumn(a, choices.get(a.LogicalName), texts.get(a.LogicalName)));
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
      label: labelOf(entity.DisplayName) || entity.LogicalName,
      entitySetName: entity.EntitySetName ?? sets.get(logicalName)?.EntitySetName ?? logicalName,
      primaryId: entity.PrimaryIdAttribute,
      primaryName: entity.PrimaryNameAttribute ?? null,
      columns,
      navigations,
      lookups,
    };
  }
}

const ATTRIBUTE_SELECT = ['LogicalName', 'AttributeType', 'AttributeOf', 'AttributeTypeName', 'DisplayName', 'IsValidForRead', 'IsValidForCreate', 'IsValidForUpdate', 'IsValidForForm'];

function toColumn(a: AttributeRow, choice: ChoiceColumnRow | undefined, text: TextColumnRow | undefined): ColumnInfo {
  const column: ColumnInfo = {
    name: a.LogicalName,
    type: a.AttributeTypeName?.Value === 'MultiSelectPicklistType' ? 'MultiSelectPicklist' : a.AttributeType,
    attributeOf: a.AttributeOf ?? null,
    label: labelOf(a.DisplayName),
    readable: a.IsValidForRead !== false,
    creatable: a.IsValidForCreate !== false,
    updatable: a.IsValidForUpdate !== false,
    onForms: a.IsValidForForm !== false,
  };
  if (choice) column.options = (choice.OptionSet?.Options ?? []).map(toOption);
  // -1 is Dataverse's "no default".
  if (typeof choice?.DefaultFormValue === 'number' && choice.DefaultFormValue !== -1) column.defaultValue = choice.DefaultFormValue;
  if (typeof text?.MaxLength === 'number') column.maxLength = text.MaxLength;
  if (text?.FormatName?.Value) column.format = text.FormatName.Value;
  return column;
}

/** A Label in the user's language, else the first localized one; '' when there is none. */
function labelOf(label: LabelRow | null | undefined): string {
  return (label?.UserLocalizedLabel?.Label ?? label?.LocalizedLabels?.[0]?.Label ?? '').trim();
}

function toOption(row: OptionRow): ChoiceOption {
  const label = labelOf(row.Label) || String(row.Value);
  return row.State === undefined ? { value: row.Value, label } : { value: row.Value, label, state: row.State };
}
