/**
 * The tables of the local ServiceNow instance: their columns, what they extend, their references and the
 * platform behaviour the server applies on write (numbers, defaults, closed states, journal fields).
 */
export interface TableSchema {
  columns: string[];
  /** Table this one extends: its rows are rows of the parent too. */
  extends?: string;
  numberPrefix?: string;
  references?: Record<string, string>;
  journal?: string[];
  /** States in which a task is no longer active. */
  closedStates?: string[];
  defaults?: Record<string, string>;
  person?: boolean;
  readOnly?: boolean;
}

export const SYS = ['sys_id', 'sys_created_on', 'sys_created_by', 'sys_updated_on', 'sys_updated_by', 'sys_mod_count', 'sys_class_name', 'sys_domain', 'sys_tags'];
export const USER = [
  'user_name',
  'first_name',
  'middle_name',
  'last_name',
  'name',
  'email',
  'phone',
  'mobile_phone',
  'home_phone',
  'title',
  'active',
  'company',
  'department',
  'location',
  'manager',
  'city',
  'state',
  'street',
  'zip',
  'country',
  'notification',
];
export const TASK = [
  'number',
  'short_description',
  'description',
  'state',
  'priority',
  'impact',
  'urgency',
  'active',
  'opened_at',
  'opened_by',
  'closed_at',
  'assigned_to',
  'assignment_group',
  'contact_type',
  'correlation_id',
  'correlation_display',
  'work_notes',
  'comments',
];

export const SCHEMAS: Record<string, TableSchema> = {
  sys_user: { columns: [...SYS, ...USER], person: true, defaults: { active: 'true', notification: '2' } },
  customer_contact: {
    columns: [...SYS, ...USER, 'account', 'agent_status', 'source'],
    extends: 'sys_user',
    person: true,
    references: { account: 'customer_account' },
    defaults: { active: 'true', notification: '2' },
  },
  csm_consumer: {
    columns: [
      ...SYS,
      'number',
      'first_name',
      'middle_name',
      'last_name',
      'name',
      'email',
      'business_phone',
      'mobile_phone',
      'home_phone',
      'title',
      'active',
      'city',
      'state',
      'street',
      'zip',
      'country',
      'household',
      'notes',
      'primary',
      'user',
    ],
    numberPrefix: 'CSMR',
    person: true,
    defaults: { active: 'true', primary: 'false' },
  },
  customer_account: {
    columns: [...SYS, 'number', 'name', 'phone', 'fax_phone', 'website', 'city', 'state', 'street', 'zip', 'country', 'notes', 'customer', 'parent', 'primary_contact'],
    numberPrefix: 'ACC',
    references: { parent: 'customer_account', primary_contact: 'customer_contact' },
    defaults: { customer: 'true' },
  },
  sn_customerservice_case: {
    columns: [...SYS, ...TASK, 'contact', 'account', 'consumer', 'product', 'resolution_code', 'close_notes'],
    numberPrefix: 'CS',
    references: { contact: 'customer_contact', account: 'customer_account', consumer: 'csm_consumer' },
    journal: ['work_notes', 'comments'],
    closedStates: ['3', '7'],
    defaults: { state: '1', priority: '4', contact_type: 'phone' },
  },
  incident: {
    columns: [...SYS, ...TASK, 'caller_id', 'category', 'subcategory', 'incident_state', 'close_code', 'close_notes'],
    numberPrefix: 'INC',
    references: { caller_id: 'sys_user' },
    journal: ['work_notes', 'comments'],
    closedStates: ['7', '8'],
    defaults: { state: '1', priority: '5', impact: '3', urgency: '3' },
  },
  interaction: {
    columns: [
      ...SYS,
      'number',
      'type',
      'state',
      'active',
      'short_description',
      'contact',
      'consumer',
      'account',
      'opened_for',
      'opened_at',
      'assigned_to',
      'channel',
      'queue',
      'closed_by',
      'context_table',
      'context_document',
      'work_notes',
    ],
    numberPrefix: 'IMS',
    references: { contact: 'customer_contact', consumer: 'csm_consumer', account: 'customer_account', opened_for: 'sys_user' },
    journal: ['work_notes'],
    closedStates: ['closed_complete', 'closed_abandoned'],
    defaults: { state: 'new', type: 'phone' },
  },
  sys_journal_field: { columns: [...SYS, 'name', 'element', 'element_id', 'value'], readOnly: true },
  // The platform's metadata (read by describe), filled from this file and wireMetadata.ts; see there.
  sys_db_object: { columns: [...SYS, 'name', 'label', 'super_class', 'is_extendable'], references: { super_class: 'sys_db_object' }, readOnly: true },
  sys_dictionary: {
    columns: [...SYS, 'name', 'element', 'column_label', 'internal_type', 'reference', 'read_only', 'virtual', 'choice', 'default_value', 'active', 'mandatory', 'max_length', 'display'],
    readOnly: true,
  },
  sys_dictionary_override: {
    columns: [...SYS, 'name', 'base_table', 'element', 'default_value_override', 'default_value', 'read_only_override', 'read_only', 'mandatory_override', 'mandatory'],
    readOnly: true,
  },
  sys_choice: { columns: [...SYS, 'name', 'element', 'value', 'label', 'sequence', 'inactive', 'language', 'dependent_value'], readOnly: true },
};

/** Tables the metadata says a table extends (sys_db_object.super_class); "task" is not served here. */
export const PARENTS: Record<string, string> = { customer_contact: 'sys_user', sn_customerservice_case: 'task', incident: 'task' };

/** The columns of "task", which cases and incidents extend. */
export const TASK_COLUMNS = [...SYS, ...TASK];
