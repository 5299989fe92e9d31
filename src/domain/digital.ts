import { conflict } from './errors.js';

/**
 * Digital conversations in the bring-your-own-channel format (seed 002, SPEC "Digital interactions"). An
 * integration (the external platform's middleware) registers channels and sends their messages; a thread of
 * a channel is one digital interaction, handled by one agent at a time.
 */

/** The kind of a digital channel: what the interaction's `channel` is. */
export type DigitalKind = 'chat' | 'sms' | 'web';
export const DIGITAL_KINDS: readonly DigitalKind[] = ['chat', 'sms', 'web'];

/** An external platform's middleware, known to the app by the client id and secret the app issued it. */
export interface DigitalIntegration {
  id: string;
  name: string;
  /** What the middleware authenticates with (OAuth 2.0 client credentials); the secret is kept only hashed. */
  clientId: string;
  /** The integration box URL: where agents' replies (direction outbound) are POSTed. */
  boxUrl: string;
  /** Where the app gets a token to call the box URL (client credentials); none: HTTP Basic with the same pair. */
  authorizationUrl: string | null;
  /** The client id the app presents to the box URL, and the name of the environment variable holding its secret. */
  outboundClientId: string | null;
  outboundSecretEnv: string | null;
  createdAt: string;
}

/** A channel as registered by `POST /dfo/3.0/channels` (the seed's fields), with our `kind` and `skill`. */
export interface DigitalChannel {
  id: string;
  integrationId: string;
  idOnExternalPlatform: string;
  channelIntegrationId: string;
  realExternalPlatformId: string | null;
  name: string;
  isPrivate: boolean;
  hasTreeStructure: boolean;
  kind: DigitalKind;
  /** The skill its threads are routed by (SPEC: 2 to 30 characters of letters, digits and - _ . :); null: any agent. */
  skill: string | null;
}

/** The end user who wrote, as the platform names them. */
export interface EndUserIdentity {
  idOnExternalPlatform: string;
  firstName?: string;
  lastName?: string;
  nickname?: string;
}

/** A thread's status (SPEC "Outcome of an interaction"): Closed is final. */
export type ThreadStatus = 'New' | 'Open' | 'Pending' | 'Escalated' | 'Resolved' | 'Closed';
export const THREAD_STATUSES: readonly ThreadStatus[] = ['New', 'Open', 'Pending', 'Escalated', 'Resolved', 'Closed'];

/** Who has the thread: an agent, the queue (waiting for one), or nobody until the end user writes again. */
export type ThreadAssignment = 'assigned' | 'queued' | 'dismissed';

/** What ends the agent's part in a thread and fires timeline + memorialization (SPEC "Digital trigger"), once. */
export type DigitalTrigger = 'transfer' | 'unassign' | 'dismiss' | 'closed';

export interface Thread {
  id: string;
  channelId: string;
  idOnExternalPlatform: string;
  /** The digital interaction it is (interactions.id); one per thread, its agent the one assigned last. */
  interactionId: string;
  status: ThreadStatus;
  assignment: ThreadAssignment;
  /** The skill it is routed by (the channel's, or the one it was transferred to). */
  skill: string | null;
  author: EndUserIdentity;
  tags: string[];
  /** When timeline and memorialization were queued, and by what: set once, never again. */
  triggeredAt: string | null;
  trigger: DigitalTrigger | null;
  createdAt: string;
  lastMessageAt: string;
}

export type MessageDirection = 'inbound' | 'outbound';
/** An outbound message's delivery to the integration box URL. */
export type DeliveryStatus = 'pending' | 'sent' | 'delivered' | 'failed';

export interface DigitalMessage {
  id: string;
  channelId: string;
  threadId: string;
  /** The platform's id (inbound) or ours (outbound): one message per id and channel, however often it is sent. */
  idOnExternalPlatform: string;
  direction: MessageDirection;
  text: string;
  /** When it was written, ISO-8601 UTC with milliseconds (from createdAtWithMilliseconds): the transcript's order. */
  createdAt: string;
  /** Who wrote it, as shown: the end user's name, or the agent's. */
  authorName: string;
  /** The agent who wrote it (outbound only). */
  agentId: string | null;
  delivery: { status: DeliveryStatus; error: string | null } | null;
}

const statusMoves: Record<ThreadStatus, ThreadStatus[]> = {
  New: ['Open', 'Pending', 'Escalated', 'Resolved', 'Closed'],
  Open: ['Pending', 'Escalated', 'Resolved', 'Closed'],
  Pending: ['Open', 'Escalated', 'Resolved', 'Closed'],
  Escalated: ['Open', 'Pending', 'Resolved', 'Closed'],
  Resolved: ['Open', 'Pending', 'Escalated', 'Closed'],
  Closed: [],
};

/** Closed is final; any other status may move to any other but New. */
export function assertStatusMove(from: ThreadStatus, to: ThreadStatus): void {
  if (from === to) return;
  if (!statusMoves[from].includes(to)) throw conflict(from === 'Closed' ? 'This conversation is Closed; its status cannot change.' : `A conversation cannot go back to ${to}.`);
}

/** A person's name for the end user: first and last name, else the nickname, else their id on the platform. */
export function endUserName(author: EndUserIdentity): string {
  const full = [author.firstName, author.lastName]
    .filter((p) => p && p.trim())
    .join(' ')
    .trim();
  return full || author.nickname?.trim() || author.idOnExternalPlatform;
}

/** How many digital interactions there are of each kind (the supervisors' status: per agent, and waiting in the queue). */
export type DigitalCounts = Record<DigitalKind, number>;

export function noDigitalCounts(): DigitalCounts {
  return { chat: 0, sms: 0, web: 0 };
}

export function digitalTotal(counts: DigitalCounts): number {
  return counts.chat + counts.sms + counts.web;
}

/** "2 (chat 1, SMS 1)": the total, then the kinds there are any of. */
export function describeDigitalCounts(counts: DigitalCounts): string {
  const total = digitalTotal(counts);
  if (total === 0) return 'none';
  const label: Record<DigitalKind, string> = { chat: 'chat', sms: 'SMS', web: 'web' };
  return `${total} (${DIGITAL_KINDS.filter((kind) => counts[kind] > 0)
    .map((kind) => `${label[kind]} ${counts[kind]}`)
    .join(', ')})`;
}

/** The card's one-time id of the next reply: a double click (or Teams re-sending the invoke) sends one message. */
export function replyIdFor(interactionId: string, outboundCount: number): string {
  return `${interactionId}-${outboundCount}`;
}

// Scripts written right to left: Hebrew, Arabic (and its supplements and presentation forms), Syriac, Thaana, N'Ko, Samaritan, Mandaic.
const RTL_LETTER = /[\u0590-\u05FF\u0600-\u06FF\u0700-\u074F\u0750-\u077F\u0780-\u07BF\u07C0-\u07FF\u0800-\u085F\u08A0-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u;
const ANY_LETTER = /\p{L}/u;

/** Whether a text reads right to left: its first letter (digits, spaces and punctuation are neutral) is of a right-to-left script. */
export function isRightToLeft(text: string): boolean {
  for (const char of text.slice(0, 500)) {
    if (RTL_LETTER.test(char)) return true;
    if (ANY_LETTER.test(char)) return false;
  }
  return false;
}

/** One message of the transcript as the card shows it. */
export interface TranscriptMessageView {
  direction: MessageDirection;
  authorName: string;
  /** ISO-8601 UTC: the card shows it in the agent's time zone. */
  createdAt: string;
  text: string;
  /** Outbound only: how its delivery to the platform stands. */
  delivery: { status: DeliveryStatus; error: string | null } | null;
}

/** The digital part of a Customer Card (a thread's interaction): drawn above the CRM sections. */
export interface DigitalCardView {
  threadId: string;
  channel: { kind: DigitalKind; name: string };
  endUserName: string;
  status: ThreadStatus;
  assignment: ThreadAssignment;
  tags: string[];
  /** The latest messages, oldest first (at most what the card can show). */
  messages: TranscriptMessageView[];
  /** Messages of the thread older than those in `messages`. */
  earlier: number;
  /** The reply box's one-time id (replyIdFor the outbound messages so far). */
  replyId: string;
  /** Where a transfer may go: Available agents other than the owner, and the known skills. */
  transferTargets: { agents: Array<{ id: string; name: string }>; skills: string[] };
}

/** The longest reply an agent may send to an end user, from the card or from chat ("reply <text>"). */
export const MAX_REPLY_CHARS = 2000;

/** How an outbound message's delivery reads on the card: the transcript's line, and the reply's notice. */
export function deliveryLabel(delivery: { status: DeliveryStatus; error: string | null }): string {
  switch (delivery.status) {
    case 'pending':
      return 'Sending…';
    case 'sent':
      return 'Sent';
    case 'delivered':
      return 'Delivered';
    case 'failed':
      return `Not delivered: ${delivery.error ?? 'the channel refused it'}`;
  }
}
