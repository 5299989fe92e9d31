import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CustomerCardView } from '../domain/customerCard.js';
import { endUserName, MAX_REPLY_CHARS, type Thread } from '../domain/digital.js';
import { invalidInput, stale } from '../domain/errors.js';
import type { CardChanges } from '../interactions/cardChanges.js';
import type { Ownership } from '../interactions/ownership.js';
import type { UnitOfWork } from '../store/unitOfWork.js';

export const REPLY_ON_ITS_WAY = 'Your reply is on its way.';
const CLOSED = 'This conversation is Closed: no reply can be sent to it.';
const NOT_ASSIGNED = 'This conversation is not assigned to you any more, so no reply was sent.';
const NOT_DIGITAL = 'Replies are for digital conversations; this interaction is a call.';

export interface DigitalRepliesDeps {
  unit: UnitOfWork;
  /** The guard every caller-given interaction id goes through (src/interactions/ownership.ts). */
  ownership: Ownership;
  /** How a committed change reaches the chat card and the tab. */
  changes: CardChanges;
  /** The card as its owner sees it now (CardQuery.view). */
  view: (agentId: string, interactionId: string) => Promise<CustomerCardView>;
  /** Called after a reply was stored: the delivery worker sends it now rather than at its next poll. */
  onReplyQueued: () => void;
  logger: Logger;
  clock?: () => Date;
}

/** The thread "reply <text>" went to, and the end user it reaches. */
export interface ChatReplyOutcome {
  view: CustomerCardView;
  endUser: string;
  /** Open threads the agent has: with several, the answer says which one got it. */
  threads: number;
}

/**
 * An agent's reply to the end user of a digital thread they handle: stored as a pending outbound message
 * (its own delivery outbox row) in one transaction, then sent by the delivery worker (replyDelivery.ts). The
 * card's one-time reply id is the message's id on the platform, so a double click stores one message.
 */
export class DigitalReplies {
  private readonly clock: () => Date;

  constructor(private readonly deps: DigitalRepliesDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  async reply(agentId: string, interactionId: string, input: { replyId: string; text: string }): Promise<CustomerCardView> {
    // Ownership first: nothing about an interaction that is not the caller's is looked at or told.
    const interaction = await this.deps.ownership.ownedOpen(agentId, interactionId);
    if (interaction.channel === 'voice') throw invalidInput(NOT_DIGITAL);
    if (!input.replyId.startsWith(interaction.id) || input.replyId.length > 64) throw invalidInput("replyId: must be this card's reply ID");
    const text = checkedText(input.text);
    const agent = await this.deps.unit.repos.agents.find(agentId);
    const messageId = randomUUID();
    const at = this.clock().toISOString();
    const stored = await this.deps.unit.run(async (repos) => {
      const thread = await repos.threads.findOfInteraction(interaction.id);
      assertReplyable(thread);
      return repos.replies.insert({
        id: messageId,
        channelId: thread.channelId,
        threadId: thread.id,
        idOnExternalPlatform: input.replyId,
        text,
        authorName: agent?.name || 'Agent',
        agentId,
        at,
      });
    });
    if (!stored) {
      // The same click again (or Teams re-sending it): the reply is stored once already; the card as it is.
      this.deps.logger.info({ interactionId }, 'digital reply already stored: the same reply id again');
      return this.deps.view(agentId, interaction.id);
    }
    this.deps.logger.info({ interactionId, messageId, chars: text.length }, 'digital reply queued');
    // The delivery starts before the card is drawn: the end user waits for the reply, not for our card.
    this.deps.onReplyQueued();
    return this.deps.changes.done(interaction, { kind: 'info', text: REPLY_ON_ITS_WAY });
  }

  /**
   * "reply <text>" in chat: to the agent's one open assigned thread, or with several, to the one whose end
   * user wrote last. None: a clear refusal.
   */
  async replyFromChat(agentId: string, text: string): Promise<ChatReplyOutcome> {
    checkedText(text);
    const threads = await this.deps.unit.repos.threads.assignedTo(agentId);
    const target = threads[0];
    if (!target) throw stale('You have no open digital conversation to reply to.');
    const view = await this.reply(agentId, target.interactionId, { replyId: `${target.interactionId}-${randomUUID().slice(0, 8)}`, text });
    return { view, endUser: endUserName(target.author), threads: threads.length };
  }
}

function checkedText(raw: string): string {
  const text = raw.trim();
  if (!text) throw invalidInput('replyText: type a reply');
  if (text.length > MAX_REPLY_CHARS) throw invalidInput(`replyText: a reply is at most ${MAX_REPLY_CHARS.toLocaleString('en-US')} characters (this one has ${text.length.toLocaleString('en-US')})`);
  return text;
}

function assertReplyable(thread: Thread | undefined): asserts thread is Thread {
  if (!thread) throw invalidInput(NOT_DIGITAL);
  if (thread.status === 'Closed') throw stale(CLOSED);
  if (thread.assignment !== 'assigned') throw stale(NOT_ASSIGNED);
}
