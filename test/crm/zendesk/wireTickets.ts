import { HttpFailure, invalid, notFound, type Obj } from './wireHttp.js';
import { PRIORITIES, STATUSES, TICKET_TYPES } from './wireMetadata.js';
import type { WireStore } from './wireStore.js';

/**
 * Tickets as Zendesk's Tickets and Ticket Comments APIs answer them: a create answered with the ticket and
 * its audit, an update with a comment answered with the audit (whose events name the comment), and
 * `safe_update` + `updated_stamp` collision protection (409 UpdateConflict).
 */
export class WireTickets {
  constructor(private readonly s: WireStore) {}

  // -------------------------------------------------------------------------------------------
  ticket(id: number | undefined): Obj {
    const ticket = id === undefined ? undefined : this.s.tickets.get(id);
    if (!ticket) throw notFound();
    return ticket;
  }

  createTicket(input: Obj): Obj {
    const comment = (input.comment ?? {}) as Obj;
    const text = typeof comment.body === 'string' ? comment.body : '';
    if (!text.trim()) throw invalid('description', 'Description: cannot be blank', 'BlankValue');
    const id = this.s.id();
    const now = this.s.now();
    const requester = input.requester_id === undefined ? this.s.agentId : input.requester_id;
    if (typeof requester !== 'number' || !this.s.users.has(requester)) throw invalid('requester_id', 'Requester: is invalid');
    const ticket: Obj = {
      url: `${this.s.baseUrl}/api/v2/tickets/${id}.json`,
      id,
      external_id: null,
      via: { channel: 'api', source: { from: {}, to: {}, rel: null } },
      created_at: now,
      updated_at: now,
      type: null,
      subject: null,
      raw_subject: null,
      description: text,
      priority: null,
      status: 'new',
      custom_status_id: null,
      recipient: null,
      requester_id: requester,
      submitter_id: this.s.agentId,
      assignee_id: null,
      organization_id: (this.s.users.get(requester)!.organization_id as number | null) ?? null,
      group_id: null,
      collaborator_ids: [],
      follower_ids: [],
      email_cc_ids: [],
      forum_topic_id: null,
      problem_id: null,
      has_incidents: false,
      is_public: comment.public !== false,
      due_at: null,
      tags: [],
      custom_fields: this.s.ticketFieldDefs.filter((f) => f.removable === true).map((f) => ({ id: f.id, value: null })),
      satisfaction_rating: null,
      sharing_agreement_ids: [],
      followup_ids: [],
      brand_id: 360_000_000_001,
      allow_channelback: false,
      allow_attachments: true,
      from_messaging_channel: false,
    };
    this.applyTicket(ticket, input, true);
    this.s.tickets.set(id, ticket);
    this.s.comments.set(id, []);
    const audit = this.addComment(ticket, comment);
    return { ticket, audit };
  }

  updateTicket(ticket: Obj, input: Obj): Obj {
    if (input.safe_update === true && input.updated_stamp !== ticket.updated_at) {
      throw new HttpFailure(409, {
        error: 'UpdateConflict',
        description: 'Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.',
      });
    }
    if (ticket.status === 'closed') throw invalid('status', 'Status: closed prevents ticket update', 'ClosedTicket');
    this.applyTicket(ticket, input, false);
    // Zendesk's stamps are to the second; each update moves it forward, so a stale stamp is always seen.
    const previous = Date.parse(String(ticket.updated_at));
    ticket.updated_at = new Date(Math.max(Date.parse(this.s.now()), previous + 1000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const comment = input.comment as Obj | undefined;
    const audit = comment && typeof comment.body === 'string' ? this.addComment(ticket, comment) : { id: this.s.id(), ticket_id: ticket.id, events: [] };
    return { ticket, audit };
  }

  applyTicket(ticket: Obj, input: Obj, creating: boolean): void {
    const set = (k: string) => input[k] !== undefined;
    if (set('subject')) ticket.subject = ticket.raw_subject = input.subject;
    if (set('priority')) {
      if (input.priority !== null && !PRIORITIES.includes(String(input.priority))) throw invalid('priority', `Priority: ${String(input.priority)} is not valid`);
      ticket.priority = input.priority;
    }
    if (set('type')) {
      if (input.type !== null && !TICKET_TYPES.includes(String(input.type))) throw invalid('type', `Type: ${String(input.type)} is not valid`);
      ticket.type = input.type;
    }
    for (const k of ['requester_id', 'assignee_id']) {
      if (set(k) && input[k] !== null && (typeof input[k] !== 'number' || !this.s.users.has(input[k]))) {
        throw invalid(k, `${k === 'requester_id' ? 'Requester' : 'Assignee'}: is invalid`);
      }
    }
    if (set('organization_id') && input.organization_id !== null) this.s.organizationRef(input.organization_id, 'organization_id');
    for (const k of ['requester_id', 'assignee_id', 'organization_id', 'group_id', 'external_id', 'due_at', 'problem_id', 'brand_id', 'recipient']) {
      if (set(k)) ticket[k] = input[k];
    }
    if (set('tags')) ticket.tags = input.tags;
    if (set('custom_status_id')) {
      const custom = this.s.customStatuses?.find((s) => s.id === input.custom_status_id);
      if (!custom) throw invalid('custom_status_id', 'Custom status: is invalid');
      ticket.custom_status_id = custom.id;
      ticket.status = custom.status_category;
    }
    if (set('status')) {
      if (!STATUSES.includes(String(input.status))) throw invalid('status', `Status: ${String(input.status)} is not a valid status`);
      ticket.status = input.status;
    } else if (creating && ticket.assignee_id && ticket.status === 'new') {
      ticket.status = 'open';
    }
    // With custom statuses, a ticket always has one: a status set directly takes its category's default.
    const current = this.s.customStatuses?.find((c) => c.id === ticket.custom_status_id);
    if (this.s.customStatuses && current?.status_category !== ticket.status) {
      const fallback = this.s.customStatuses.find((c) => c.status_category === ticket.status && c.default === true);
      ticket.custom_status_id = fallback?.id ?? null;
    }
    if (Array.isArray(input.custom_fields)) {
      const values = ticket.custom_fields as Array<{ id: unknown; value: unknown }>;
      for (const entry of input.custom_fields as Obj[]) {
        const slot = values.find((v) => v.id === entry.id);
        if (slot) slot.value = entry.value;
      }
    }
  }

  addComment(ticket: Obj, input: Obj): Obj {
    const body = String(input.body);
    const comment = {
      id: this.s.id(),
      type: 'Comment',
      author_id: this.s.agentId,
      body,
      html_body: `<div class="zd-comment"><p>${body.replace(/[<>&]/g, ' ')}</p></div>`,
      plain_body: body,
      public: input.public !== false,
      attachments: [],
      audit_id: this.s.id(),
      via: { channel: 'api', source: { from: {}, to: {}, rel: null } },
      created_at: this.s.now(),
      metadata: { system: {}, custom: {} },
    };
    this.s.comments.get(ticket.id as number)!.push(comment);
    const { created_at: createdAt, via: _via, metadata: _metadata, ...event } = comment;
    return { id: comment.audit_id, ticket_id: ticket.id, created_at: createdAt, author_id: this.s.agentId, events: [{ ...event }] };
  }
}
