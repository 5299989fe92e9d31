import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { CrmRecord, FieldValue, RecordRef } from '../../domain/crmRecord.js';
import { CrmError, type ActivityInput } from '../port.js';
import { KeyedSingleFlight } from '../shared/httpKit/singleFlight.js';
import type { ZendeskReader } from './reader.js';
import { isZendeskId, markerLine, noteBody as formatNote } from './records.js';
import type { Json, ZendeskApi } from './zendeskApi.js';

export interface ZendeskTimelineOptions {
  /** The tag of the tickets the timeline creates for a user. */
  tag: string;
  logger: Logger;
}

/** How many times a note is retried when the ticket changed between reading it and writing the note. */
const MAX_CONFLICTS = 5;
/** At most this many tickets or comments are read to find an earlier write or to list activities. */
const MAX_READ = 1000;

/**
 * The timeline in Zendesk, idempotent on the activity key:
 * - regarding a ticket: a private comment (an internal note, `public: false`) on that ticket, added with
 *   PUT /api/v2/tickets/{id} and Zendesk's collision protection (`safe_update` + `updated_stamp`), so two
 *   writers cannot both add it. The note's last line carries the key's reference; the ticket's comments are
 *   read before writing, so a retry finds the note and writes nothing.
 * - regarding a user (the caller): what Zendesk itself does for a call (Zendesk Talk): a ticket requested by
 *   that user, solved, assigned to the integration's agent, whose first comment is the private note, tagged
 *   with the timeline tag and with `external_id` = the key's reference. GET /api/v2/tickets?external_id=
 *   (not the search index, which lags) finds it before writing. Zendesk has no unique external_id, so after
 *   creating, the writer looks again; if another process created one too, the oldest wins and the newer
 *   one is deleted by the process that created it.
 * - organizations have no timeline in Zendesk: a CrmError(400) says so.
 * Concurrent calls with one key in this process share one write.
 */
export class ZendeskTimeline {
  private readonly writes = new KeyedSingleFlight<{ record: CrmRecord; created: boolean }>();
  private agentId: Promise<number | null> | undefined;

  constructor(
    private readonly api: ZendeskApi,
    private readonly reader: ZendeskReader,
    private readonly options: ZendeskTimelineOptions,
  ) {}

  async logActivity(activity: ActivityInput, signal: AbortSignal): Promise<{ record: CrmRecord; created: boolean }> {
    const { value, shared } = await this.writes.run(activity.key, () => this.write(activity, signal));
    // A call that joined another's write did not create the note.
    return shared ? { record: value.record, created: false } : value;
  }

  /** Newest first by the interaction's time: a ticket's comments, or a user's timeline tickets. */
  async listActivities(ref: RecordRef, limit: number, signal: AbortSignal): Promise<CrmRecord[]> {
    if (!isZendeskId(ref.id)) return [];
    try {
      if (ref.type === 'ticket') {
        const comments: Json[] = [];
        for await (const page of this.api.pages(this.api.url(`tickets/${ref.id}/comments`, { sort_order: 'desc' }), signal)) {
          comments.push(...list(page, 'comments'));
          if (comments.length >= limit || comments.length >= MAX_READ) break;
        }
        return newestFirst(await this.reader.comments(ref.id, comments, signal)).slice(0, limit);
      }
      if (ref.type === 'user') return (await this.timelineTickets(ref.id, signal, limit)).slice(0, limit);
      return [];
    } catch (error) {
      if (error instanceof CrmError && error.status === 404) return [];
      throw error;
    }
  }

  private async write(activity: ActivityInput, signal: AbortSignal): Promise<{ record: CrmRecord; created: boolean }> {
    signal.throwIfAborted();
    const { regarding } = activity;
    if (!isZendeskId(regarding.id)) throw new CrmError(`${regarding.type} ${regarding.id} does not exist`, 404);
    const reference = referenceOf(activity.key);
    if (regarding.type === 'ticket') return this.noteOnTicket(regarding.id, activity, reference, signal);
    if (regarding.type === 'user') return this.ticketForUser(regarding.id, activity, reference, signal);
    throw new CrmError(`no timeline on a Zendesk ${regarding.type}`, 400, {
      regarding: `Zendesk keeps a timeline on tickets and users only, not on a ${regarding.type}; link the interaction's user or ticket`,
    });
  }

  private async noteOnTicket(ticketId: string, activity: ActivityInput, reference: string, signal: AbortSignal) {
    const body = noteBody(activity, reference);
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
      const ticket = await this.api.getTicket(ticketId, signal);
      const earlier = await this.findNote(ticketId, reference, signal);
      if (earlier) return { record: await this.comment(ticketId, earlier, signal), created: false };
      try {
        const { audit } = await this.api.updateTicket(ticketId, { ticket: { comment: { body, public: false }, safe_update: true, updated_stamp: ticket.updated_at } }, signal);
        const event = (Array.isArray(audit?.events) ? (audit.events as Json[]) : []).find((e) => e.type === 'Comment');
        if (!event) throw new CrmError('Zendesk added the note but did not say which comment it is', 502);
        return { record: await this.comment(ticketId, { created_at: audit?.created_at, ...event }, signal), created: true };
      } catch (error) {
        // 409: the ticket changed since it was read (perhaps another writer added this very note): read again.
        if (!(error instanceof CrmError) || error.status !== 409) throw error;
      }
    }
    throw new CrmError(`ticket ${ticketId} kept changing while the note was being added`, 409);
  }

  private async findNote(ticketId: string, reference: string, signal: AbortSignal): Promise<Json | undefined> {
    let read = 0;
    for await (const page of this.api.pages(this.api.url(`tickets/${ticketId}/comments`, { sort_order: 'desc' }), signal)) {
      const comments = list(page, 'comments');
      const found = comments.find((c) =>
        String(c.body ?? '')
          .split('\n')
          .some((line) => line.trim() === markerLine(reference)),
      );
      if (found) return found;
      read += comments.length;
      if (read >= MAX_READ) break;
    }
    return undefined;
  }

  private async ticketForUser(userId: string, activity: ActivityInput, reference: string, signal: AbortSignal) {
    const existing = await this.byReference(reference, signal);
    if (existing[0]) return { record: await this.activity(existing[0], signal), created: false };
    await this.api.getUser(userId, signal); // a 404 here is the port's 404
    const assignee = await this.integrationAgent(signal);
    const created = await this.api.createTicket(
      {
        subject: activity.subject,
        comment: { body: noteBody(activity, reference), public: false },
        requester_id: Number(userId),
        status: 'solved',
        ...(assignee ? { assignee_id: assignee } : {}),
        external_id: reference,
        tags: [this.options.tag],
      },
      signal,
    );
    // Another process may have created the same ticket meanwhile: the oldest one stays.
    const all = await this.byReference(reference, signal);
    const oldest = all.reduce<Json | undefined>((a, t) => (!a || Number(t.id) < Number(a.id) ? t : a), undefined);
    if (oldest && String(oldest.id) !== String(created.id)) {
      this.options.logger.warn({ ticketId: String(created.id) }, 'timeline ticket written twice by concurrent writers; deleting the newer one');
      await this.api.deleteTicket(String(created.id), signal);
      return { record: await this.activity(oldest, signal), created: false };
    }
    return { record: await this.activity(created, signal), created: true };
  }

  private async comment(ticketId: string, json: Json, signal: AbortSignal): Promise<CrmRecord> {
    return (await this.reader.comments(ticketId, [json], signal))[0]!;
  }

  private async activity(ticket: Json, signal: AbortSignal): Promise<CrmRecord> {
    return (await this.reader.ticketActivities([ticket], signal))[0]!;
  }

  private async byReference(reference: string, signal: AbortSignal): Promise<Json[]> {
    const page = await this.api.page(this.api.url('tickets', { external_id: reference }), signal);
    return list(page, 'tickets').filter((t) => t.external_id === reference);
  }

  /** The agent the credentials act as, who is assigned the solved timeline tickets; read once. */
  private async integrationAgent(signal: AbortSignal): Promise<number | null> {
    this.agentId ??= this.api.me(signal).then(
      (me) => (typeof me.id === 'number' && me.role !== 'end-user' ? me.id : null),
      (error: unknown) => {
        this.agentId = undefined;
        throw error;
      },
    );
    return this.agentId;
  }

  private async timelineTickets(userId: string, signal: AbortSignal, limit: number): Promise<CrmRecord[]> {
    const out: Json[] = [];
    let read = 0;
    const first = this.api.url(`users/${userId}/tickets/requested`, { sort_by: 'created_at', sort_order: 'desc' });
    for await (const page of this.api.pages(first, signal)) {
      const tickets = list(page, 'tickets');
      read += tickets.length;
      for (const ticket of tickets) {
        if (Array.isArray(ticket.tags) && ticket.tags.includes(this.options.tag)) out.push(ticket);
      }
      if (out.length >= limit || read >= MAX_READ) break;
    }
    return newestFirst(await this.reader.ticketActivities(out, signal));
  }
}

/** The key as it is stored in Zendesk: a fixed-length digest (external_id is limited, and keys are any text). */
function referenceOf(key: string): string {
  return `customer-card:${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

/** The note: what the activity says, the interaction's time (when valid) and the reference that keeps it single. */
function noteBody(activity: ActivityInput, reference: string): string {
  const extra = Object.entries(activity.fields)
    .filter(([, value]) => value !== null && value !== '')
    .map(([name, value]: [string, FieldValue]) => `${name}: ${String(value)}`);
  const at = Number.isNaN(Date.parse(activity.at)) ? new Date().toISOString() : new Date(activity.at).toISOString();
  return formatNote(activity.subject, activity.description, extra, at, reference);
}

function list(page: Json, name: string): Json[] {
  const value = page[name];
  return Array.isArray(value) ? (value as Json[]) : [];
}

/** Newest first by when the interaction was; ties go to the higher (later) id. */
function newestFirst(records: CrmRecord[]): CrmRecord[] {
  const at = (r: CrmRecord) => r.canonical.activityDate ?? String(r.fields.created_at ?? '');
  return [...records].sort((a, b) => at(b).localeCompare(at(a)) || Number(b.id) - Number(a.id));
}
