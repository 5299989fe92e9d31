import type { CanonicalFields, CrmRecord, FieldValue, RecordRole } from './crmRecord.js';
import { conflict } from './errors.js';

/**
 * An interaction is one contact handled by one agent: a voice call (or, later, a digital conversation).
 * Voice lifecycle: offered → active → acw → completed. Timeline and memorialization fire on completed.
 * Offered is the call ringing at the agent (the ACD offered it, they have not answered): the data dip has
 * run and the card shows who is calling, but the call cannot be hung up or wrapped up yet. It ends either
 * answered (active) or abandoned (completed with no CRM writes, see ContactConvergence).
 */
export type Channel = 'voice' | 'chat' | 'sms' | 'web';
export type InteractionState = 'offered' | 'active' | 'acw' | 'completed';

export interface Interaction {
  id: string;
  agentId: string;
  channel: Channel;
  /** The caller's number in E.164, as normalized by the interaction script. */
  ani: string;
  state: InteractionState;
  configurationId: string;
  /** How the ANI search ended: one match (linked), several (agent chooses), none (offer create). */
  matchState: MatchState;
  startedAt: string;
  endedAt: string | null;
  completedAt: string | null;
  disposition: string | null;
  notes: string | null;
  /** The person behind it (see domain/customer.ts). */
  customerId: string | null;
}

export type MatchState = 'pending' | 'single' | 'multiple' | 'none';

/** A new interaction, before its data dip: nothing matched, ended, noted or known of its customer yet. */
export function newInteraction(start: Pick<Interaction, 'id' | 'agentId' | 'channel' | 'ani' | 'state' | 'configurationId' | 'startedAt'>): Interaction {
  return { ...start, matchState: 'pending', endedAt: null, completedAt: null, disposition: null, notes: null, customerId: null };
}

/** Where a record stands on the Customer Card of one interaction. */
export type RecordOrigin = 'ani' | 'search' | 'created' | 'history';

export interface InteractionRecordLink {
  interactionId: string;
  recordType: string;
  recordId: string;
  /** Linked (pinned) records are in Current Interaction and receive timeline + memorialization. */
  linked: boolean;
  origin: RecordOrigin;
  /** The record's name and fields as last read from the CRM, so the card renders without a round trip. */
  label: string;
  fields: Record<string, FieldValue>;
  /** What the record is to the card; 'other' (or absent) for a snapshot from before the canonical model. */
  role?: RecordRole;
  /** The CRM's display name of its type ("Case", not "incident"). */
  typeLabel?: string;
  /** Its canonical fields as last read (the organization's name of a person, a case's number...). */
  canonical?: CanonicalFields;
  /** What a person reads for its reference and choice fields, by field name. */
  display?: Record<string, string>;
  /** Its latest activities (newest first), as read when it was linked. */
  activities?: Array<{ subject: string; when: string }>;
}

/** A record as the card keeps it: its snapshot of what the CRM returned. */
export function linkOf(record: CrmRecord, place: { interactionId: string; linked: boolean; origin: RecordOrigin }): InteractionRecordLink {
  return {
    ...place,
    recordType: record.type,
    recordId: record.id,
    label: record.name,
    fields: record.fields,
    role: record.role,
    typeLabel: record.typeLabel,
    canonical: record.canonical,
    display: record.display,
  };
}

/** A link's snapshot brought up to a fresh read of its record (place on the card and activities kept). */
export function refreshedLink(link: InteractionRecordLink, record: CrmRecord): InteractionRecordLink {
  return { ...link, ...linkOf(record, link), activities: link.activities };
}

const transitions: Record<InteractionState, InteractionState[]> = {
  offered: ['active', 'completed'],
  active: ['acw'],
  acw: ['completed'],
  completed: [],
};

export function assertTransition(from: InteractionState, to: InteractionState): void {
  if (!transitions[from].includes(to)) {
    throw conflict(`This interaction is ${describeState(from)}; it cannot become ${describeState(to)}.`);
  }
}

export function isOpen(state: InteractionState): boolean {
  return state !== 'completed';
}

export function describeState(state: InteractionState): string {
  switch (state) {
    case 'offered':
      return 'ringing';
    case 'active':
      return 'in progress';
    case 'acw':
      return 'in After Call Work';
    case 'completed':
      return 'completed';
  }
}

export function durationSeconds(interaction: Pick<Interaction, 'startedAt' | 'endedAt'>, now: Date): number {
  const end = interaction.endedAt ? Date.parse(interaction.endedAt) : now.getTime();
  return Math.max(0, Math.round((end - Date.parse(interaction.startedAt)) / 1000));
}
