import type { Obj } from './wireHttp.js';

/**
 * The account's field definitions as Zendesk's API reference shows them:
 * - GET /user_fields and /organization_fields list the CUSTOM fields only (id, key, type, title, description,
 *   position, active, system: false, custom_field_options for dropdowns: {id, name, raw_name, value});
 * - GET /ticket_fields lists the system fields (removable: false; type subject, description, status,
 *   tickettype, priority, group, assignee; Zendesk's titles; system_field_options for status, tickettype and
 *   priority) and the custom ones (removable: true, agent_can_edit), in one list;
 * - GET /custom_statuses: status_category, agent_label, end_user_label, active, default.
 */

export interface FieldDef {
  key: string;
  type?: string;
  title?: string;
  /** A dropdown's values (their names are the values with a capital). */
  options?: string[];
}

export interface TicketFieldDef {
  title: string;
  type?: string;
  options?: string[];
  /** Whether agents may edit it (agent_can_edit); true when omitted. */
  agentCanEdit?: boolean;
}

export const STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
export const TICKET_TYPES = ['question', 'incident', 'problem', 'task'];

const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);
const option = (value: string, nextId: () => number) => ({ id: nextId(), name: capital(value), raw_name: capital(value), value });

/** The system ticket fields of a new Zendesk account, with their documented titles and options. */
const SYSTEM_TICKET_FIELDS: Array<{ type: string; title: string; options?: Array<{ name: string; value: string }> }> = [
  { type: 'subject', title: 'Subject' },
  { type: 'description', title: 'Description' },
  {
    type: 'status',
    title: 'Status',
    // The agent's choices: a ticket becomes closed by itself (an automation), never by choice.
    options: [
      { name: 'Open', value: 'open' },
      { name: 'Pending', value: 'pending' },
      { name: 'On-hold', value: 'hold' },
      { name: 'Solved', value: 'solved' },
    ],
  },
  { type: 'tickettype', title: 'Type', options: TICKET_TYPES.map((v) => ({ name: capital(v), value: v })) },
  { type: 'priority', title: 'Priority', options: PRIORITIES.map((v) => ({ name: capital(v), value: v })) },
  { type: 'group', title: 'Group' },
  { type: 'assignee', title: 'Assignee' },
];

export function customFieldDefs(fields: FieldDef[], nextId: () => number): Obj[] {
  return fields.map((f, i) => ({
    id: nextId(),
    url: '',
    type: f.type ?? (f.options ? 'dropdown' : 'text'),
    key: f.key,
    title: f.title ?? f.key,
    raw_title: f.title ?? f.key,
    description: '',
    position: i,
    active: true,
    system: false,
    ...(f.options ? { custom_field_options: f.options.map((v) => option(v, nextId)) } : {}),
  }));
}

export function ticketFieldDefs(custom: TicketFieldDef[], nextId: () => number): Obj[] {
  const common = { active: true, required: false, collapsed_for_agents: false, visible_in_portal: false, editable_in_portal: false };
  const system = SYSTEM_TICKET_FIELDS.map((f, i) => ({
    id: nextId(),
    url: '',
    type: f.type,
    title: f.title,
    raw_title: f.title,
    description: '',
    position: i,
    ...common,
    removable: false,
    agent_can_edit: true,
    ...(f.options ? { system_field_options: f.options } : {}),
  }));
  const own = custom.map((f, i) => ({
    id: nextId(),
    url: '',
    type: f.type ?? (f.options ? 'tagger' : 'text'),
    title: f.title,
    raw_title: f.title,
    description: '',
    position: 100 + i,
    ...common,
    removable: true,
    agent_can_edit: f.agentCanEdit ?? true,
    ...(f.options ? { custom_field_options: f.options.map((v) => option(v, nextId)) } : {}),
  }));
  return [...system, ...own];
}

/** The default statuses of an account with custom ticket statuses, then the account's own. */
export function customStatusDefs(custom: Array<{ label: string; category: string }>, nextId: () => number): Obj[] {
  const defaults = STATUSES.filter((s) => s !== 'closed').map((s) => ({ label: s === 'hold' ? 'On-hold' : capital(s), category: s }));
  return [...defaults, ...custom].map((s, i) => ({
    id: nextId(),
    status_category: s.category,
    agent_label: s.label,
    end_user_label: s.label,
    active: true,
    default: i < defaults.length,
  }));
}
