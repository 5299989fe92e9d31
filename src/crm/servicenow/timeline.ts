import { createHash } from 'node:crypto';
import type { CrmRecord, RecordRef } from '../../domain/crmRecord.js';
import { CrmError, type ActivityInput } from '../port.js';
import { KeyedSingleFlight } from '../shared/httpKit/singleFlight.js';
import { encodeQuery } from './encodedQuery.js';
import type { ServiceNowClient, ServiceNowRow } from './http.js';
import type { ReadFields } from './readFields.js';
import { flatFields, MARKER_LINE, storedDateTime, toRecord } from './records.js';
import { interactionLinkField, SYS_ID, TABLES } from './tables.js';

/** A work note holds at most this much; the key marker always survives the cut. */
const MAX_NOTE = 3800;
/** sys_ids per "element_idIN..." look-up, to keep the URL short. */
const IDS_PER_QUERY = 40;

/** Raw values, references as plain sys_ids: what the look-ups below compare. */
export const RAW_PARAMS = { sysparm_display_value: 'false', sysparm_exclude_reference_link: 'true' } as const;

const flat = (row: ServiceNowRow) => flatFields(row) as Record<string, string | null>;

/**
 * The timeline in ServiceNow, idempotent on the activity key:
 * - a case, an incident or any other task record gets a WORK NOTE (the record's own journal, where agents
 *   read the history of a case);
 * - a contact, consumer, account or user gets an INTERACTION record linked to them (Interaction Management's
 *   record of a customer contact), opened at the interaction's time, closed complete, its details in its
 *   work note.
 * Either way the note ends with a marker derived from the key and the interaction's time
 * ("[cc-activity-<hash> 2026-03-04T10:20:30.000Z]": letters, digits and ":-." only, so the hash is safe in a
 * query), and the Journal Entry table (sys_journal_field) is searched for it, by the sys_id of the record
 * written to, before anything is written. A journal entry is stamped when it is written, so a work note is
 * dated by the time in its marker. Calls with one key share one write in this process; ServiceNow offers no
 * unique constraint to make that hold across processes.
 */
export class Timeline {
  private readonly writes = new KeyedSingleFlight<{ record: CrmRecord; created: boolean }>();

  constructor(
    private readonly client: ServiceNowClient,
    private readonly pageSize: number,
    private readonly maxScan: number,
    private readonly reads: ReadFields,
  ) {}

  static marker(key: string): string {
    return `cc-activity-${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 32)}`;
  }

  async log(activity: ActivityInput, signal: AbortSignal): Promise<{ record: CrmRecord; created: boolean }> {
    const { regarding } = activity;
    if (!SYS_ID.test(regarding.id)) throw new CrmError(`${regarding.type} ${regarding.id} does not exist`, 404);
    if (activity.at !== undefined && Number.isNaN(Date.parse(activity.at))) throw new CrmError(`at: not a date and time`, 400, { at: 'must be an ISO 8601 date and time' });
    const marker = Timeline.marker(activity.key);
    const { value, shared } = await this.writes.run(
      marker,
      () => (interactionLinkField(regarding.type) ? this.logInteraction(activity, marker, signal) : this.logWorkNote(activity, marker, signal)),
      signal,
    );
    // A call that joined another's write did not write the note.
    return shared ? { record: value.record, created: false } : value;
  }

  /** Interactions of a person or account (newest opened first), or the work notes of a case; each with its note. */
  async list(ref: RecordRef, limit: number, signal: AbortSignal): Promise<CrmRecord[]> {
    if (!SYS_ID.test(ref.id) || limit <= 0) return [];
    const max = Math.min(limit, this.maxScan);
    const link = interactionLinkField(ref.type);
    if (link) {
      const query = encodeQuery([[[{ field: link, op: '=', value: ref.id }]]], 'regarding', ['-opened_at', '-number']);
      const rows = await this.rows(TABLES.interaction, query, await this.reads.params(TABLES.interaction, [link], signal), max, signal);
      const notes = await this.notesOf(
        TABLES.interaction,
        rows.map((row) => String(flat(row).sys_id ?? '')),
        signal,
      );
      return rows.map((row) => toRecord(TABLES.interaction, row, { note: notes.get(String(flat(row).sys_id)) ?? '' }));
    }
    const query = encodeQuery([[[{ field: 'element_id', op: '=', value: ref.id }], [{ field: 'element', op: '=', value: 'work_notes' }]]], 'regarding', ['-sys_created_on']);
    const records = (await this.rows(TABLES.journal, query, RAW_PARAMS, max, signal)).map((row) => toRecord(TABLES.journal, row));
    // Newest first by the interaction's time, which a note written late (a retried job) carries in its marker.
    return records.sort((a, b) => String(b.canonical.activityDate ?? '').localeCompare(String(a.canonical.activityDate ?? '')));
  }

  private async logWorkNote(activity: ActivityInput, marker: string, signal: AbortSignal) {
    const { type, id } = activity.regarding;
    const current = await this.client.get(type, id, signal, { ...RAW_PARAMS, sysparm_fields: 'sys_id,work_notes' });
    if (!current) throw new CrmError(`${type} ${id} does not exist`, 404);
    if (!('work_notes' in current)) {
      const why = `ServiceNow table "${type}" keeps no work notes; a timeline goes on a case, an incident or another task, or on a contact, consumer, account or user`;
      throw new CrmError(why, 400, { regarding: why });
    }
    const existing = await this.journalEntry(type, [id], marker, signal);
    if (existing) return { record: toRecord(TABLES.journal, existing), created: false };

    await this.client.patch(type, id, { work_notes: noteText(activity, marker) }, signal, { sysparm_fields: 'sys_id' });
    const written = await this.journalEntry(type, [id], marker, signal);
    if (!written) throw new CrmError(`ServiceNow accepted the work note on ${type} ${id} but shows no journal entry for it`);
    return { record: toRecord(TABLES.journal, written), created: true };
  }

  private async logInteraction(activity: ActivityInput, marker: string, signal: AbortSignal) {
    const { type, id } = activity.regarding;
    const link = interactionLinkField(type)!;
    if (!(await this.client.get(type, id, signal, { ...RAW_PARAMS, sysparm_fields: 'sys_id' }))) throw new CrmError(`${type} ${id} does not exist`, 404);

    // Earlier interactions of this record, a page at a time, and the journal entries among them with the marker.
    const query = encodeQuery([[[{ field: link, op: '=', value: id }]]], 'regarding', ['-sys_created_on', 'sys_id']);
    let page = await this.client.page(TABLES.interaction, { ...this.listParams(query, RAW_PARAMS), sysparm_fields: 'sys_id' }, signal);
    for (let seen = 0; ;) {
      const ids = page.rows.map((row) => String(flat(row).sys_id ?? '')).filter((s) => SYS_ID.test(s));
      for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
        const entry = await this.journalEntry(TABLES.interaction, ids.slice(i, i + IDS_PER_QUERY), marker, signal);
        const interaction = entry && (await this.client.get(TABLES.interaction, String(flat(entry).element_id), signal, await this.reads.params(TABLES.interaction, [link], signal)));
        if (interaction) return { record: toRecord(TABLES.interaction, interaction, { note: String(flat(entry).value ?? '') }), created: false };
      }
      seen += page.rows.length;
      if (!page.next || page.rows.length === 0 || seen >= this.maxScan) break;
      page = await this.client.pageAt(page.next, signal, TABLES.interaction);
    }

    const phone = activity.fields.phoneNumber;
    const note = noteText(activity, marker);
    const row = await this.client.create(
      TABLES.interaction,
      {
        short_description: activity.subject.slice(0, 160),
        [link]: id,
        ...(typeof phone === 'string' && phone !== '' ? { type: 'phone' } : {}),
        // Stored date-times are UTC "YYYY-MM-DD HH:mm:ss" (sysparm_input_display_value=false, the default).
        opened_at: storedDateTime(when(activity)),
        state: 'closed_complete',
        work_notes: note,
      },
      signal,
      await this.reads.params(TABLES.interaction, [link], signal),
    );
    return { record: toRecord(TABLES.interaction, row, { note }), created: true };
  }

  /** The work-note journal entry carrying the marker on one of these records of a table, if any. */
  private async journalEntry(table: string, ids: string[], marker: string, signal: AbortSignal): Promise<ServiceNowRow | undefined> {
    const query = encodeQuery(
      [
        [
          // The sys_id alone names the record (whatever table it is read through); the table helps the IN look-up.
          ...(ids.length === 1 ? [] : [[{ field: 'name', op: '=' as const, value: table }]]),
          ids.length === 1 ? [{ field: 'element_id', op: '=', value: ids[0] }] : [{ field: 'element_id', op: 'IN', value: ids.join(',') }],
          [{ field: 'element', op: '=', value: 'work_notes' }],
          [{ field: 'value', op: 'LIKE', value: marker }],
        ],
      ],
      'regarding',
      ['sys_created_on'],
    );
    const page = await this.client.page(TABLES.journal, { ...this.listParams(query, RAW_PARAMS), sysparm_limit: '10' }, signal);
    // LIKE may treat "_" and "%" as wildcards; the marker has neither, and the text is checked anyway.
    return page.rows.find((row) => {
      const entry = flat(row);
      return MARKER_LINE.exec(entry.value ?? '')?.[1] === marker && ids.includes(String(entry.element_id));
    });
  }

  /** The work notes of these records, by record (the newest note of each). */
  private async notesOf(table: string, ids: string[], signal: AbortSignal): Promise<Map<string, string>> {
    const notes = new Map<string, string>();
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      const chunk = ids.slice(i, i + IDS_PER_QUERY).filter((s) => SYS_ID.test(s));
      if (chunk.length === 0) continue;
      const query = encodeQuery(
        [[[{ field: 'name', op: '=', value: table }], [{ field: 'element_id', op: 'IN', value: chunk.join(',') }], [{ field: 'element', op: '=', value: 'work_notes' }]]],
        'regarding',
        ['sys_created_on'],
      );
      for (const row of await this.rows(TABLES.journal, query, RAW_PARAMS, this.maxScan, signal)) {
        const entry = flat(row);
        notes.set(String(entry.element_id), String(entry.value ?? ''));
      }
    }
    return notes;
  }

  private listParams(query: string, params: Record<string, string>): Record<string, string> {
    return { ...params, sysparm_query: query, sysparm_limit: String(this.pageSize) };
  }

  private async rows(table: string, query: string, params: Record<string, string>, max: number, signal: AbortSignal): Promise<ServiceNowRow[]> {
    const out: ServiceNowRow[] = [];
    let page = await this.client.page(table, { ...this.listParams(query, params), sysparm_limit: String(Math.min(this.pageSize, max)) }, signal);
    for (;;) {
      for (const row of page.rows) {
        out.push(row);
        if (out.length >= max) return out;
      }
      if (!page.next || page.rows.length === 0) return out;
      page = await this.client.pageAt(page.next, signal, table);
    }
  }
}

/** When the interaction happened; a caller written before `at` existed dates it now. */
function when(activity: ActivityInput): string {
  return (activity.at as string | undefined) ?? new Date().toISOString();
}

/** The work note: subject, description, the activity's details, and the marker (key and time) last. */
function noteText(activity: ActivityInput, marker: string): string {
  const details = Object.entries(activity.fields)
    .filter(([, value]) => value !== null && value !== '')
    .map(([name, value]) => `${name}: ${String(value)}`);
  const body = [activity.subject, activity.description, ...details].join('\n');
  const tail = `\n[${marker} ${new Date(when(activity)).toISOString()}]`;
  return (body.length + tail.length > MAX_NOTE ? `${body.slice(0, MAX_NOTE - tail.length - 1)}…` : body) + tail;
}
