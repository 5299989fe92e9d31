import type { CustomerCardView } from '../domain/customerCard.js';
import { conflict } from '../domain/errors.js';
import { addHistory } from './recordHistory.js';
import type { ServiceContext } from './serviceContext.js';

/**
 * One person, one card: find the other cards of an open interaction's customer, and merge one into it.
 * Nothing is deleted from the CRM.
 */
export class CustomerMerging {
  constructor(private readonly context: ServiceContext) {}

  /**
   * Looks for other cards of this interaction's customer (by name, phone or email, or the agent's text) and
   * shows them in the merge dialog.
   */
  async findDuplicates(agentId: string, interactionId: string, text: string): Promise<CustomerCardView> {
    const interaction = await this.context.ownership.ownedOpen(agentId, interactionId);
    const query = text.trim().slice(0, 100);
    return this.context.draw(interaction, { kind: 'info', text: `Cards that may be the same person as "${query}" are listed under Merge.` }, query);
  }

  /**
   * Merges another customer's card into this interaction's customer: their identifiers, interactions and
   * everything linked to those interactions now belong to one person, and their history comes onto this
   * card. Only a card nobody else is handling may be taken (see Ownership.mergeableCustomer); the check and
   * the move are one transaction.
   */
  async mergeCustomer(agentId: string, interactionId: string, otherCustomerId: string): Promise<CustomerCardView> {
    const { ownership } = this.context;
    const interaction = await ownership.ownedOpen(agentId, interactionId);
    const into = interaction.customerId;
    if (!into) throw conflict('This interaction has no customer card to merge into.');
    const { other, moved } = await this.context.unit.run(async (repos) => {
      const other = await ownership.mergeableCustomer(interaction, otherCustomerId, repos);
      const moved = await repos.customers.interactionCount(other.id);
      await repos.customers.merge(into, other.id);
      return { other, moved };
    });
    for (const link of (await this.context.repos.interactions.listLinks(interaction.id)).filter((l) => l.linked)) await addHistory(this.context, interaction, link);
    return this.context.changes.done(interaction, {
      kind: 'info',
      text: `Merged ${other.name}'s card into this one: ${other.identifiers.map((i) => i.value).join(', ')} and ${moved} interaction${moved === 1 ? '' : 's'} now belong to this customer.`,
    });
  }
}
