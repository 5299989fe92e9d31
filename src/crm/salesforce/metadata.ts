import type { FieldDescription, RecordTypeDescription } from '../port.js';

/**
 * Salesforce's sObject Describe (GET /services/data/vXX.X/sobjects/<Type>/describe, REST API Developer Guide)
 * read into what the connector needs: the port's RecordTypeDescription (labels, kinds, writability, picklists),
 * the reference fields whose related record's name a query should fetch, and the picklist labels that
 * `display` shows. Described types are cached per connector (see MetadataCache).
 */

/** The part of a DescribeSObjectResult the connector reads. */
export interface DescribeJson {
  name: string;
  label: string;
  fields: DescribeFieldJson[];
}

export interface DescribeFieldJson {
  name: string;
  label: string;
  type: string;
  updateable?: boolean;
  createable?: boolean;
  nillable?: boolean;
  calculated?: boolean;
  deprecatedAndHidden?: boolean;
  defaultValue?: unknown;
  picklistValues?: Array<{ value: string; label: string | null; active?: boolean; defaultValue?: boolean }>;
  referenceTo?: string[];
  relationshipName?: string | null;
}

/** A described sObject: the port's view, plus what reads and the record mapping need. */
export interface SObjectMetadata {
  description: RecordTypeDescription;
  /** Reference field -> the path of its related record's name in a SELECT (AccountId -> Account.Name). */
  relationships: ReadonlyMap<string, string>;
  /** Picklist field -> stored value -> label. */
  picklistLabels: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/** Ids and bookkeeping no agent reads; left out of the description (the port's "internal" fields). */
const INTERNAL_FIELDS = new Set([
  'Id',
  'IsDeleted',
  'SystemModstamp',
  'MasterRecordId',
  'CreatedById',
  'LastModifiedById',
  'LastViewedDate',
  'LastReferencedDate',
  'PhotoUrl',
  'JigsawContactId',
  'Jigsaw',
]);

/** Compound and binary types: their parts are fields of their own, or nothing a card shows. */
const HIDDEN_TYPES = new Set(['id', 'address', 'location', 'base64', 'anyType', 'complexvalue']);

/**
 * Objects whose records have no Name field, and the field that names them. A polymorphic reference (Who,
 * What, Owner) always has Name (SOQL's Name object), so only single-target references look here.
 */
const NAME_FIELDS: Readonly<Record<string, string>> = {
  Case: 'CaseNumber',
  Task: 'Subject',
  Event: 'Subject',
  WorkOrder: 'WorkOrderNumber',
  Contract: 'ContractNumber',
  Order: 'OrderNumber',
  Solution: 'SolutionName',
};

function nameFieldOf(referenceTo: readonly string[]): string {
  return referenceTo.length === 1 ? (NAME_FIELDS[referenceTo[0]!] ?? 'Name') : 'Name';
}

/** At most this many related names per read (Salesforce allows 55 child-to-parent relationships per query). */
const MAX_RELATIONSHIPS = 20;

export function toMetadata(json: DescribeJson): SObjectMetadata {
  const fields: Record<string, FieldDescription> = {};
  const relationships = new Map<string, string>();
  const picklistLabels = new Map<string, Map<string, string>>();
  for (const field of json.fields) {
    if (field.deprecatedAndHidden || INTERNAL_FIELDS.has(field.name) || HIDDEN_TYPES.has(field.type)) continue;
    fields[field.name] = fieldDescription(field);
    if (field.type === 'reference' && field.relationshipName && relationships.size < MAX_RELATIONSHIPS) {
      relationships.set(field.name, `${field.relationshipName}.${nameFieldOf(field.referenceTo ?? [])}`);
    }
    if (field.picklistValues && field.picklistValues.length > 0) {
      picklistLabels.set(field.name, new Map(field.picklistValues.map((p) => [p.value, p.label ?? p.value])));
    }
  }
  return { description: { type: json.name, label: json.label, fields }, relationships, picklistLabels };
}

function fieldDescription(field: DescribeFieldJson): FieldDescription {
  const kind = kindOf(field.type);
  // Salesforce says what an update may set: updateable is false for formulas, roll-ups, auto-numbers and system fields.
  const out: FieldDescription = { label: field.label, kind, writable: field.updateable === true && field.calculated !== true };
  if (kind === 'choice') {
    const active = (field.picklistValues ?? []).filter((p) => p.active !== false);
    out.choices = active.map((p) => ({ value: p.value, label: p.label ?? p.value }));
    const preset = active.find((p) => p.defaultValue === true);
    if (preset) out.defaultValue = preset.value;
  } else if (typeof field.defaultValue === 'string' || typeof field.defaultValue === 'number') {
    out.defaultValue = String(field.defaultValue);
  }
  return out;
}

/** Salesforce field types (Field.type of the describe) as the port's kinds. */
function kindOf(type: string): FieldDescription['kind'] {
  switch (type) {
    case 'phone':
      return 'phone';
    case 'email':
      return 'email';
    case 'reference':
      return 'reference';
    case 'picklist':
    case 'multipicklist':
    case 'combobox':
      return 'choice';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'double':
    case 'currency':
    case 'percent':
    case 'int':
    case 'long':
      return 'number';
    default:
      return 'text';
  }
}

/** Whether a JSON body is a describe result this module can read. */
export function isDescribeJson(value: unknown): value is DescribeJson {
  const v = value as Partial<DescribeJson> | null;
  return !!v && typeof v.name === 'string' && typeof v.label === 'string' && Array.isArray(v.fields);
}

/**
 * Described sObjects for the connector's lifetime, refreshed after `ttlMs` (an admin may add a field or a
 * picklist value). Only results are cached: a failed describe is asked again next time.
 */
export class MetadataCache {
  private readonly entries = new Map<string, { at: number; metadata: SObjectMetadata }>();

  constructor(
    private readonly clock: () => Date,
    private readonly ttlMs = 15 * 60_000,
  ) {}

  get(type: string): SObjectMetadata | undefined {
    const entry = this.entries.get(type.toLowerCase());
    if (!entry || this.clock().getTime() - entry.at > this.ttlMs) return undefined;
    return entry.metadata;
  }

  set(type: string, metadata: SObjectMetadata): void {
    this.entries.set(type.toLowerCase(), { at: this.clock().getTime(), metadata });
  }
}
