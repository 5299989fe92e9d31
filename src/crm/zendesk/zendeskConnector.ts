import type { CrmRecord, FieldValue, RecordRef } from '../../domain/crmRecord.js';
import type { FilterExpr } from '../filter.js';
import {
  CrmError,
  type ActivityInput,
  type CallOptions,
  type Capability,
  type CrmConnector,
  type QueryOptions,
  type RecordTypeDescription,
  type SearchableRole,
  type TextSearchResult,
} from '../port.js';
import type { NativeStandardType, StandardRecordType } from '../standardRecords.js';
import type { AccountCatalog, ZendeskCatalog } from './catalog.js';
import { describeZendeskType, type ZendeskDescribeOptions } from './describe.js';
import type { ZendeskReader } from './reader.js';
import { isZendeskId, isZendeskType, ZENDESK_TYPES, type ZendeskType } from './records.js';
import { toZendeskWrite } from './recordWrite.js';
import type { ZendeskSearch } from './search.js';
import type { ZendeskTextSearch } from './textSearch.js';
import type { ZendeskTimeline } from './timeline.js';
import type { Json, ZendeskApi } from './zendeskApi.js';

/** Open means before solved: new, open, pending and on-hold tickets. */
const OPEN_STATUSES = ['new', 'open', 'pending', 'hold'];
/** At most this many of a person's tickets are read to find the open ones. */
const MAX_TICKETS_READ = 1000;

/**
 * SPEC's Zendesk catalogue (Ticket, User), plus what an admin of a generic workflow expects: a contact is an
 * end user, an account an organization, a case a ticket. first_name / last_name make up a new user's name
 * (and are written to custom user fields of those keys when the account has them). Leads, opportunities and
 * the others have no Zendesk record: they are left out, and a standard create of them is InvalidWorkflow.
 */
export const ZENDESK_STANDARD_TYPES: Readonly<Partial<Record<StandardRecordType, NativeStandardType>>> = {
  ticket: {
    type: 'ticket',
    fields: { subject: 'subject', description: 'description', priority: 'priority', status: 'status', contactId: 'requester_id' },
  },
  user: { type: 'user', fields: { firstName: 'first_name', lastName: 'last_name', name: 'name', email: 'email', phone: 'phone' } },
  contact: {
    type: 'user',
    fields: { firstName: 'first_name', lastName: 'last_name', phone: 'phone', email: 'email', accountId: 'organization_id' },
  },
  account: { type: 'organization', fields: { name: 'name' } },
  case: {
    type: 'ticket',
    fields: {
      subject: 'subject',
      description: 'description',
      status: 'status',
      priority: 'priority',
      contactId: 'requester_id',
      accountId: 'organization_id',
    },
  },
};

export interface ZendeskConnectorParts {
  api: ZendeskApi;
  catalog: ZendeskCatalog;
  search: ZendeskSearch;
  textSearch: ZendeskTextSearch;
  reader: ZendeskReader;
  timeline: ZendeskTimeline;
  publicFirstComment: boolean;
  fieldOptions: ZendeskDescribeOptions;
}

/** Zendesk Support behind the CrmConnector port: users, organizations and tickets, through node-zendesk. */
export class ZendeskConnector implements CrmConnector {
  readonly standardTypes = ZENDESK_STANDARD_TYPES;
  /** Every workflow kind has a Zendesk form (see the README matrix); nothing is refused up front. */
  readonly unsupported: Readonly<Partial<Record<Capability, string>>> = {};

  constructor(private readonly parts: ZendeskConnectorParts) {}

  async findByPhone(e164: string, { signal }: CallOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    return this.parts.search.findByPhone(e164, signal);
  }

  async findByEmail(email: string, { signal }: CallOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    return this.parts.search.findByEmail(email, signal);
  }

  /** The user's requested tickets, or the organization's tickets, that are not solved yet, newest first. */
  async openCases(record: RecordRef, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    if ((record.type !== 'user' && record.type !== 'organization') || !isZendeskId(record.id)) return [];
    const path = record.type === 'user' ? `users/${record.id}/tickets/requested` : `organizations/${record.id}/tickets`;
    const open: Json[] = [];
    let read = 0;
    try {
      for await (const page of this.parts.api.pages(this.parts.api.url(path, { sort_by: 'created_at', sort_order: 'desc' }), signal)) {
        const tickets = Array.isArray(page.tickets) ? (page.tickets as Json[]) : [];
        read += tickets.length;
        for (const ticket of tickets) if (OPEN_STATUSES.includes(String(ticket.status))) open.push(ticket);
        if (open.length >= limit || read >= MAX_TICKETS_READ) break;
      }
    } catch (error) {
      if (error instanceof CrmError && error.status === 404) return [];
      throw error;
    }
    const at = (t: Json) => String(t.created_at ?? '');
    const newest = open.sort((a, b) => at(b).localeCompare(at(a)) || Number(b.id) - Number(a.id)).slice(0, limit);
    return this.parts.reader.records('ticket', newest, signal);
  }

  async query(entity: string, filter: FilterExpr | null, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    return this.parts.search.query(this.typeOf(entity), filter, limit, signal);
  }

  async get(ref: RecordRef, { signal }: CallOptions): Promise<CrmRecord | null> {
    signal.throwIfAborted();
    if (!isZendeskType(ref.type) || !isZendeskId(ref.id)) return null;
    try {
      return await this.parts.reader.record(ref.type, await this.read(ref.type, ref.id, signal), signal);
    } catch (error) {
      if (error instanceof CrmError && error.status === 404) return null;
      throw error;
    }
  }

  async create(type: string, fields: Record<string, FieldValue>, { signal }: CallOptions): Promise<CrmRecord> {
    signal.throwIfAborted();
    const zendeskType = this.typeOf(type);
    const { body } = toZendeskWrite(zendeskType, fields, 'create', await this.catalogFor(zendeskType, signal), {
      publicFirstComment: this.parts.publicFirstComment,
    });
    const { api } = this.parts;
    const json = zendeskType === 'user' ? await api.createUser(body, signal) : zendeskType === 'organization' ? await api.createOrganization(body, signal) : await api.createTicket(body, signal);
    return this.parts.reader.record(zendeskType, json, signal);
  }

  /**
   * PUT the record with the given fields (custom fields merge key by key in Zendesk). A user's email is the
   * value of their primary email identity: PUT /users ignores it, so it is changed through the identities API.
   */
  async update(ref: RecordRef, fields: Record<string, FieldValue>, { signal }: CallOptions): Promise<CrmRecord> {
    signal.throwIfAborted();
    const type = this.typeOf(ref.type);
    if (!isZendeskId(ref.id)) throw new CrmError(`${ref.type} ${ref.id} does not exist`, 404);
    const { body, email } = toZendeskWrite(type, fields, 'update', await this.catalogFor(type, signal), {
      publicFirstComment: this.parts.publicFirstComment,
    });
    const { api } = this.parts;
    if (email !== undefined) await this.setPrimaryEmail(ref.id, email, signal);
    let json: Json;
    if (Object.keys(body).length === 0) json = await this.read(type, ref.id, signal);
    else if (type === 'user') json = await api.updateUser(ref.id, body, signal);
    else if (type === 'organization') json = await api.updateOrganization(ref.id, body, signal);
    else json = (await api.updateTicket(ref.id, { ticket: body }, signal)).ticket;
    return this.parts.reader.record(type, json, signal);
  }

  async logActivity(activity: ActivityInput, { signal }: CallOptions): Promise<{ record: CrmRecord; created: boolean }> {
    signal.throwIfAborted();
    return this.parts.timeline.logActivity(activity, signal);
  }

  async listActivities(ref: RecordRef, { signal, limit }: QueryOptions): Promise<CrmRecord[]> {
    signal.throwIfAborted();
    return this.parts.timeline.listActivities(ref, limit, signal);
  }

  async searchText(text: string, roles: readonly SearchableRole[], { signal, limit }: QueryOptions): Promise<TextSearchResult> {
    signal.throwIfAborted();
    return this.parts.textSearch.searchText(text, roles, limit, signal);
  }

  async describe(type: string, { signal }: CallOptions): Promise<RecordTypeDescription> {
    signal.throwIfAborted();
    return describeZendeskType(type, this.parts.catalog, this.parts.fieldOptions, signal);
  }

  private typeOf(type: string): ZendeskType {
    if (isZendeskType(type)) return type;
    throw new CrmError(`Zendesk Support has no "${type}" records`, 400, {
      entity: `Zendesk Support records are ${ZENDESK_TYPES.join(', ')}; "${type}" is not one of them`,
    });
  }

  private read(type: ZendeskType, id: string, signal: AbortSignal): Promise<Json> {
    const { api } = this.parts;
    return type === 'user' ? api.getUser(id, signal) : type === 'organization' ? api.getOrganization(id, signal) : api.getTicket(id, signal);
  }

  /** The account's definitions a write of this type needs (custom fields; custom statuses for tickets). */
  private async catalogFor(type: ZendeskType, signal: AbortSignal): Promise<AccountCatalog> {
    const { catalog } = this.parts;
    return {
      userFields: type === 'user' ? await catalog.userFields(signal) : [],
      organizationFields: type === 'organization' ? await catalog.organizationFields(signal) : [],
      ticketFields: type === 'ticket' ? await catalog.ticketFields(signal) : [],
      customStatuses: type === 'ticket' ? await catalog.customStatuses(signal) : [],
    };
  }

  /** Replaces the address of the primary email identity (or adds one), as Zendesk documents it. */
  private async setPrimaryEmail(userId: string, email: string, signal: AbortSignal): Promise<void> {
    const { api } = this.parts;
    const identities = await api.listIdentities(userId, signal);
    const emails = identities.filter((i) => i.type === 'email');
    if (emails.some((i) => i.primary === true && String(i.value).toLowerCase() === email.toLowerCase())) return;
    const primary = emails.find((i) => i.primary === true);
    try {
      if (primary) await api.updateIdentity(userId, String(primary.id), { value: email }, signal);
      else await api.createIdentity(userId, { type: 'email', value: email, primary: true }, signal);
    } catch (error) {
      // The identities API names the problem "value"; for the workflow it is the user's email.
      if (error instanceof CrmError && error.status === 400 && error.fieldErrors) {
        throw new CrmError(error.message, 400, { email: Object.values(error.fieldErrors).join('; ') });
      }
      throw error;
    }
  }
}
