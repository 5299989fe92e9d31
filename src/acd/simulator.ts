import { AppError } from '../domain/errors.js';
import type { CustomerCardView } from '../domain/customerCard.js';
import type { InteractionService } from '../interactions/interactionService.js';

/**
 * The local ACD simulator: stands in for the contact center's routing so that a call can be placed from
 * chat ("call <number>"). It routes the call to the agent who asked, as the real ACD would route a call
 * to an Available agent. On only for local runs, or when ACD_SIMULATOR=on.
 */
export class AcdSimulator {
  constructor(
    readonly enabled: boolean,
    private readonly interactions: InteractionService,
  ) {}

  async inboundCall(agentId: string, number: string): Promise<CustomerCardView> {
    if (!this.enabled) {
      throw new AppError('forbidden', 'The call simulator is off here: calls come from your contact center. (An admin can set ACD_SIMULATOR=on.)');
    }
    if (!number.trim()) throw new AppError('invalid_input', 'Say which number is calling, for example "call +1 206 555 0142".');
    return this.interactions.offerCall(agentId, number);
  }
}
