import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { deliveryLabel, type DeliveryStatus } from '../domain/digital.js';
import { CardChanges } from '../interactions/cardChanges.js';
import type { CardQuery } from '../interactions/cardQuery.js';
import type { InteractionEvents } from '../interactions/interactionEvents.js';
import { Ownership } from '../interactions/ownership.js';
import type { Database } from '../store/schema.js';
import type { UnitOfWork } from '../store/unitOfWork.js';
import { BoxClient } from './boxClient.js';
import { DigitalReplies, REPLY_ON_ITS_WAY } from './replies.js';
import { ReplyDelivery, type ReplyDeliveryOptions } from './replyDelivery.js';

export interface DigitalRepliesParts {
  db: Kysely<Database>;
  unit: UnitOfWork;
  cards: Pick<CardQuery, 'view'>;
  events: InteractionEvents;
  logger: Logger;
  clock: () => Date;
  /** DIGITAL_REPLY_MAX_ATTEMPTS. */
  maxAttempts: number;
  /** Where an integration's outbound secret is read (the environment). */
  secret: (name: string) => string | undefined;
  /** Retry timing and polling (tests make them short). */
  delivery?: Pick<ReplyDeliveryOptions, 'baseDelayMs' | 'maxDelayMs' | 'pollMs' | 'leaseMs'>;
}

/**
 * The agents' replies and their delivery worker, wired to the card: a reply's delivery outcome shows on its
 * card (the reply's notice moves from "on its way" to Sent or Delivered; a failure says why, whatever the
 * card said before).
 */
export function createDigitalReplies(parts: DigitalRepliesParts): { replies: DigitalReplies; delivery: ReplyDelivery } {
  const { unit, cards, events, logger, clock } = parts;
  const changes = new CardChanges(events, unit.repos.interactions, (agentId, interactionId) => cards.view(agentId, interactionId));
  const showDelivery = async ({ interactionId, status, error }: { interactionId: string; status: DeliveryStatus; error: string | null }) => {
    if (status === 'pending') return; // one more try to come: nothing the card shows has changed
    const found = await unit.repos.interactions.findWithNotice(interactionId);
    if (!found?.interaction.agentId) return; // queued or dismissed: nobody's card shows it now
    const { interaction, lastNotice } = found;
    if (status === 'failed') await changes.noted(interaction, { kind: 'error', text: `Your reply: ${deliveryLabel({ status, error })}` });
    else if (lastNotice?.text === REPLY_ON_ITS_WAY) await changes.noted(interaction, { kind: 'info', text: `Your reply: ${deliveryLabel({ status, error })}.` });
    else events.cardChanged(interaction.id, interaction.agentId);
  };
  const delivery = new ReplyDelivery({
    db: parts.db,
    box: new BoxClient({ secret: parts.secret, clock }),
    logger: logger.child({ part: 'digital-replies' }),
    clock,
    maxAttempts: parts.maxAttempts,
    onDeliveryChanged: showDelivery,
    ...parts.delivery,
  });
  const replies = new DigitalReplies({ unit, ownership: new Ownership(unit.repos), changes, view: (agentId, id) => cards.view(agentId, id), onReplyQueued: () => delivery.wake(), logger, clock });
  return { replies, delivery };
}
