import { CrmError } from '../port.js';
import type { Json, ZendeskApi } from './zendeskApi.js';

/** A custom field an admin defined (user field, organization field or ticket field). */
export interface CustomField {
  id: number;
  /** The key user and organization fields are written and searched by; ticket fields have none. */
  key: string | null;
  /** Zendesk's field type: text, textarea, checkbox, date, integer, decimal, regexp, dropdown, tagger, multiselect, lookup... */
  type: string;
  title: string;
  /** A dropdown's (or multiselect's) options, in Zendesk's order: custom_field_options, or a system field's system_field_options. */
  options?: Array<{ value: string; label: string }>;
  /** False when Zendesk says agents cannot edit it (ticket fields' agent_can_edit). */
  agentCanEdit?: boolean;
}

/** A custom ticket status ("Working", "Waiting for parts") and the status category it belongs to. */
export interface CustomStatus {
  id: number;
  label: string;
  category: string;
}

export interface AccountCatalog {
  userFields: CustomField[];
  organizationFields: CustomField[];
  /** Only the custom ticket fields (system fields such as subject are not custom). */
  ticketFields: CustomField[];
  customStatuses: CustomStatus[];
}

type Part = keyof AccountCatalog | 'allTicketFields';

/**
 * What the admins of the Zendesk account defined: custom fields and custom ticket statuses. Read on first
 * use and kept for a few minutes, so writes can be checked (an unknown custom field key is a clear field
 * error instead of the silence Zendesk answers it with) and searches can name custom fields.
 */
export class ZendeskCatalog {
  private readonly cache = new Map<Part, { at: number; value: unknown }>();

  constructor(
    private readonly api: ZendeskApi,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  userFields(signal: AbortSignal): Promise<CustomField[]> {
    return this.cached('userFields', async () => (await this.api.userFields(signal)).filter(isActive).map(toField));
  }

  organizationFields(signal: AbortSignal): Promise<CustomField[]> {
    return this.cached('organizationFields', async () => (await this.api.organizationFields(signal)).filter(isActive).map(toField));
  }

  ticketFields(signal: AbortSignal): Promise<CustomField[]> {
    // System ticket fields (subject, status...) are not removable; custom ones are.
    return this.allTicketFields(signal).then((all) => all.filter((f) => !f.system));
  }

  /** Every active ticket field, system ones (subject, status, priority...) included, each marked. */
  allTicketFields(signal: AbortSignal): Promise<Array<CustomField & { system: boolean }>> {
    return this.cached('allTicketFields', async () => (await this.api.ticketFields(signal)).filter(isActive).map((f) => ({ ...toField(f), system: f.removable === false })));
  }

  customStatuses(signal: AbortSignal): Promise<CustomStatus[]> {
    return this.cached('customStatuses', async () => {
      try {
        return (await this.api.customStatuses(signal)).filter(isActive).map((s) => ({ id: Number(s.id), label: String(s.agent_label ?? ''), category: String(s.status_category ?? '') }));
      } catch (error) {
        // Accounts without custom ticket statuses answer 403 or 404: they simply have none.
        if (error instanceof CrmError && (error.status === 403 || error.status === 404)) return [];
        throw error;
      }
    });
  }

  private async cached<T>(part: Part, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(part);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value as T;
    // Each caller loads with its own signal; only a successful read is kept.
    const value = await load();
    this.cache.set(part, { at: this.now(), value });
    return value;
  }
}

function isActive(json: Json): boolean {
  return json.active !== false;
}

function toField(json: Json): CustomField {
  const field: CustomField = {
    id: Number(json.id),
    key: typeof json.key === 'string' ? json.key : null,
    type: String(json.type ?? 'text'),
    title: String(json.title ?? json.key ?? json.id),
  };
  const options = Array.isArray(json.custom_field_options) ? json.custom_field_options : json.system_field_options;
  if (Array.isArray(options)) {
    field.options = (options as Json[]).filter((o) => o && o.value !== undefined && o.value !== null).map((o) => ({ value: String(o.value), label: String(o.name ?? o.value) }));
  }
  if (typeof json.agent_can_edit === 'boolean') field.agentCanEdit = json.agent_can_edit;
  return field;
}
