import { randomUUID } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import type { CustomerCardView } from '../domain/customerCard.js';
import type { AcdDispatcher } from './dispatcher.js';

/**
 * The local ACD simulator: stands in for the contact center's routing so that a call can be placed from
 * chat ("call <number>"). It routes the call to the agent who asked, as the real ACD would route a call
 * to an Available agent. On only for local runs, or when ACD_SIMULATOR=on.
 *
 * Its calls go through the same dispatcher as POST /api/acd/events (contact.offered and contact.answered
 * in one request: a simulated call is picked up as it rings, so the contact is recorded, merged and
 * converged once, straight to answered), called in-process rather than signed over HTTP: the local demo then
 * needs no secret, and everything after the signature check is the real ingress. It is strict (a refusal
 * is the agent's answer, not a contact left waiting), and the chat turn posts the card as its reply.
 */
export class AcdSimulator {
  constructor(
    readonly enabled: boolean,
    private readonly dispatcher: AcdDispatcher,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async inboundCall(agentId: string, number: string): Promise<CustomerCardView> {
    if (!this.enabled) {
      throw new AppError('forbidden', 'The call simulator is off here: calls come from your contact center. (An admin can set ACD_SIMULATOR=on.)');
    }
    if (!number.trim()) throw new AppError('invalid_input', 'Say which number is calling, for example "call +1 206 555 0142".');
    const at = this.clock().toISOString();
    const agent = { aadObjectId: agentId };
    const contact = { id: `simulator-${randomUUID()}`, channel: 'voice' as const };
    const events = [
      { id: randomUUID(), type: 'contact.offered' as const, at, agent, contact: { ...contact, ani: number.trim().slice(0, 40) } },
      { id: randomUUID(), type: 'contact.answered' as const, at, agent, contact },
    ];
    const { created } = await this.dispatcher.dispatch(events, [agentId, agentId], { source: 'simulator', postCard: false, strict: true });
    // The card as it stands once answered: the one contact's only card.
    const card = created.at(-1);
    if (!card) throw new AppError('conflict', 'The call could not be routed to you. Type "available", then try again.');
    return card;
  }
}
