import { createHash } from 'node:crypto';
import type { Row } from './wireQuery.js';
import { PARENTS, SCHEMAS, TASK_COLUMNS } from './wireSchemas.js';

/**
 * The metadata tables of the local instance, as a base ServiceNow instance with Customer Service Management
 * has them, read through the Table API like any table:
 * - sys_db_object: name, label, super_class (a reference to the parent's sys_db_object row), so
 *   "super_class.name" dot-walks to the parent's name;
 * - sys_dictionary: one row per column, on the table that DEFINES it (a contact's first_name is sys_user's,
 *   a case's priority is task's), plus the table's own "collection" row (element empty); internal_type is the
 *   type's name (string, integer, reference, ph_number, glide_date_time, journal_input...), read_only and
 *   virtual (calculated) as "true"/"false", default_value as text ("javascript:..." for a computed one);
 * - sys_dictionary_override: a child table's own default or read-only for an inherited column;
 * - sys_choice: the choices of a column per table (name, element, value, label, sequence, inactive,
 *   language); a child table's own list replaces its parent's (cases have priorities 1-4, task 1-5).
 * The docs describe these tables and their columns, not a REST contract for them: values here follow a
 * base instance as its list views show it.
 */

export const TABLE_LABELS: Record<string, string> = {
  sys_user: 'User',
  customer_contact: 'Contact',
  csm_consumer: 'Consumer',
  customer_account: 'Account',
  task: 'Task',
  sn_customerservice_case: 'Case',
  incident: 'Incident',
  interaction: 'Interaction',
  sys_journal_field: 'Journal Entry',
  sys_db_object: 'Table',
  sys_dictionary: 'Dictionary Entry',
  sys_dictionary_override: 'Dictionary Override',
  sys_choice: 'Choices',
};

/** The column a reference to a record of this table shows (the table's display field). */
export const DISPLAY_FIELDS: Record<string, string> = {
  sys_user: 'name',
  customer_contact: 'name',
  csm_consumer: 'name',
  customer_account: 'name',
  sn_customerservice_case: 'number',
  incident: 'number',
  interaction: 'number',
  sys_db_object: 'label',
};

const LABELS: Record<string, string> = {
  sys_id: 'Sys ID',
  sys_created_on: 'Created',
  sys_created_by: 'Created by',
  sys_updated_on: 'Updated',
  sys_updated_by: 'Updated by',
  sys_mod_count: 'Updates',
  sys_class_name: 'Class',
  user_name: 'User ID',
  phone: 'Business phone',
  caller_id: 'Caller',
  opened_at: 'Opened',
  opened_by: 'Opened by',
  closed_at: 'Closed',
  contact_type: 'Channel',
  short_description: 'Short description',
  work_notes: 'Work notes',
  comments: 'Additional comments',
  u_last_agent: 'Last agent',
  u_last_disposition: 'Last disposition',
  u_last_contact_at: 'Last contact',
};

const TYPES: Record<string, string> = {
  sys_id: 'GUID',
  sys_class_name: 'sys_class_name',
  sys_domain: 'domain_id',
  sys_mod_count: 'integer',
  sys_created_on: 'glide_date_time',
  sys_updated_on: 'glide_date_time',
  opened_at: 'glide_date_time',
  closed_at: 'glide_date_time',
  phone: 'ph_number',
  mobile_phone: 'ph_number',
  home_phone: 'ph_number',
  business_phone: 'ph_number',
  fax_phone: 'ph_number',
  email: 'email',
  active: 'boolean',
  customer: 'boolean',
  primary: 'boolean',
  work_notes: 'journal_input',
  comments: 'journal_input',
};

/** References the local instance does not serve, with the table they point at. */
const OTHER_REFERENCES: Record<string, string> = {
  company: 'core_company',
  opened_by: 'sys_user',
  assigned_to: 'sys_user',
  manager: 'sys_user',
  user: 'sys_user',
  assignment_group: 'sys_user_group',
  department: 'cmn_department',
  location: 'cmn_location',
  household: 'csm_household',
  product: 'cmdb_model',
};

const P = (labels: string[], offset = 1) => labels.map((label, i) => [String(i + offset), label] as [string, string]);
/** Choices per table and column, in order; [value, label]. */
const CHOICES: Record<string, Record<string, Array<[string, string]>>> = {
  task: {
    priority: P(['1 - Critical', '2 - High', '3 - Moderate', '4 - Low', '5 - Planning']),
    impact: P(['1 - High', '2 - Medium', '3 - Low']),
    urgency: P(['1 - High', '2 - Medium', '3 - Low']),
    state: [
      ['-5', 'Pending'],
      ['1', 'Open'],
      ['2', 'Work in Progress'],
      ['3', 'Closed Complete'],
      ['4', 'Closed Incomplete'],
      ['7', 'Closed Skipped'],
    ],
    contact_type: [
      ['phone', 'Phone'],
      ['email', 'Email'],
      ['web', 'Web'],
      ['chat', 'Chat'],
      ['social', 'Social'],
    ],
  },
  sn_customerservice_case: {
    priority: P(['1 - Critical', '2 - High', '3 - Moderate', '4 - Low']),
    state: [
      ['1', 'New'],
      ['10', 'Open'],
      ['18', 'Awaiting Info'],
      ['6', 'Resolved'],
      ['3', 'Closed'],
      ['7', 'Cancelled'],
    ],
  },
  incident: {
    state: [
      ['1', 'New'],
      ['2', 'In Progress'],
      ['3', 'On Hold'],
      ['6', 'Resolved'],
      ['7', 'Closed'],
      ['8', 'Canceled'],
    ],
  },
  interaction: {
    state: [
      ['new', 'New'],
      ['work_in_progress', 'Work in Progress'],
      ['on_hold', 'On Hold'],
      ['wrap_up', 'Wrap Up'],
      ['closed_complete', 'Closed Complete'],
      ['closed_abandoned', 'Closed Abandoned'],
    ],
    type: [
      ['phone', 'Phone'],
      ['chat', 'Chat'],
      ['walkup', 'Walk-up'],
    ],
  },
  sys_user: {
    notification: [
      ['1', 'Disable'],
      ['2', 'Enable'],
    ],
  },
};

/** Defaults per defining table, and a child table's overrides of an inherited column's default. */
const DEFAULTS: Record<string, Record<string, string>> = {
  task: { priority: '4', state: '1', impact: '3', urgency: '3', active: 'true', opened_at: 'javascript:gs.nowDateTime()' },
  interaction: { state: 'new', type: 'phone' },
};
const OVERRIDES: Array<{ name: string; base: string; element: string; default?: string; readOnly?: boolean }> = [
  { name: 'sn_customerservice_case', base: 'task', element: 'priority', default: '4' },
  { name: 'incident', base: 'task', element: 'priority', default: '5' },
];

const id = (...parts: string[]) => createHash('md5').update(parts.join('|')).digest('hex');
const sysFields = (table: string, key: string): Row => ({
  sys_id: id(table, key),
  sys_created_on: '2020-01-01 00:00:00',
  sys_created_by: 'system',
  sys_updated_on: '2020-01-01 00:00:00',
  sys_updated_by: 'system',
  sys_mod_count: '0',
  sys_class_name: table,
  sys_domain: 'global',
  sys_tags: '',
});

function labelOf(column: string): string {
  const known = LABELS[column];
  if (known) return known;
  const words = column.replace(/^u_/, '').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function columnsOf(table: string, custom: Record<string, string[]>): string[] {
  return table === 'task' ? TASK_COLUMNS : [...SCHEMAS[table]!.columns, ...(custom[table] ?? [])];
}

export class WireMetadata {
  readonly rows: Record<'sys_db_object' | 'sys_dictionary' | 'sys_dictionary_override' | 'sys_choice', Row[]> = {
    sys_db_object: [],
    sys_dictionary: [],
    sys_dictionary_override: [],
    sys_choice: [],
  };

  constructor(private readonly custom: Record<string, string[]>) {
    const tables = ['task', ...Object.keys(SCHEMAS)];
    for (const table of tables) {
      const parent = PARENTS[table];
      this.rows.sys_db_object.push({
        ...sysFields('sys_db_object', table),
        name: table,
        label: TABLE_LABELS[table] ?? labelOf(table),
        super_class: parent ? id('sys_db_object', parent) : '',
        is_extendable: 'true',
      });
      const inherited = new Set(parent ? columnsOf(parent, custom) : []);
      const own = columnsOf(table, custom).filter((c) => !inherited.has(c));
      this.rows.sys_dictionary.push(this.entry(table, '', 'collection'));
      for (const column of own) this.rows.sys_dictionary.push(this.entry(table, column, this.typeOf(table, column)));
      for (const [element, choices] of Object.entries(CHOICES[table] ?? {})) {
        choices.forEach(([value, label], i) => {
          this.rows.sys_choice.push({
            ...sysFields('sys_choice', `${table}.${element}.${value}`),
            name: table,
            element,
            value,
            label,
            sequence: String((i + 1) * 10),
            inactive: 'false',
            language: 'en',
            dependent_value: '',
          });
        });
      }
    }
    for (const o of OVERRIDES) {
      this.rows.sys_dictionary_override.push({
        ...sysFields('sys_dictionary_override', `${o.name}.${o.element}`),
        name: o.name,
        base_table: o.base,
        element: o.element,
        default_value_override: String(o.default !== undefined),
        default_value: o.default ?? '',
        read_only_override: String(o.readOnly !== undefined),
        read_only: String(o.readOnly ?? false),
        mandatory_override: 'false',
        mandatory: 'false',
      });
    }
  }

  /** The chain of tables a table's metadata goes through, itself first. */
  chain(table: string): string[] {
    const out = [table];
    while (PARENTS[out.at(-1)!]) out.push(PARENTS[out.at(-1)!]!);
    return out;
  }

  /** The table a reference column points at, if it is one. */
  referenceOf(table: string, column: string): string | undefined {
    for (const t of this.chain(table)) {
      const target = SCHEMAS[t]?.references?.[column];
      if (target) return target;
    }
    return OTHER_REFERENCES[column];
  }

  typeOf(table: string, column: string): string {
    if (this.referenceOf(table, column)) return 'reference';
    if (['priority', 'impact', 'urgency', 'notification', 'incident_state'].includes(column)) return 'integer';
    if (column === 'state' && this.chain(table).includes('task')) return 'integer';
    return TYPES[column] ?? 'string';
  }

  /** A choice's label: the nearest table's list that has the column's choices. */
  choiceLabel(table: string, column: string, value: string): string | undefined {
    for (const t of this.chain(table)) {
      const list = CHOICES[t]?.[column];
      if (list) return list.find(([v]) => v === value)?.[1];
    }
    return undefined;
  }

  private entry(table: string, element: string, internalType: string): Row {
    const calculated = element === 'name' && !!SCHEMAS[table]?.person;
    const readOnly = element === 'number' || element.startsWith('sys_') || calculated;
    return {
      ...sysFields('sys_dictionary', `${table}.${element}`),
      name: table,
      element,
      column_label: element === '' ? (TABLE_LABELS[table] ?? labelOf(table)) : labelOf(element),
      internal_type: internalType,
      reference: element ? (this.referenceOf(table, element) ?? '') : '',
      read_only: String(readOnly),
      virtual: String(calculated),
      // 1: a drop-down with "-- None --"; 0: no choice list.
      choice: element && this.chain(table).some((t) => CHOICES[t]?.[element]) ? '1' : '0',
      default_value: DEFAULTS[table]?.[element] ?? '',
      active: 'true',
      mandatory: 'false',
      max_length: internalType === 'string' ? '100' : '',
      display: String(DISPLAY_FIELDS[table] === element),
    };
  }
}
