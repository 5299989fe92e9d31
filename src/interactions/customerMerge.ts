import { conflict } from '../domain/errors.js';
import type { Notice } from '../domain/customerCard.js';
import type { Interaction } from '../domain/interaction.js';
import { interactionCount, mergeCustomers } from '../store/customersRepository.js';
import { listRecordLinks } from '../store/interactionsRepository.js';
import type { Ownership } from './ownership.js';
import { addHistory, type RecordHistoryDeps } from './recordHistory.js';

/**
 * Merges another customer's card into the customer of an open interaction the caller owns: the other's
 * identifiers, interactions and everything linked to those interactions now belong to one person, and
 * their history comes onto this card. Nothing is deleted from the CRM. Only a card nobody else is handling
 * may be taken (Ownership.mergeableCustomer); the check and the move are one transaction. Returns what to
 * tell the agent.
 */
export async function mergeIntoCustomerOf(deps: RecordHistoryDeps, ownership: Ownership, interaction: Interaction, otherCustomerId: string): Promise<Notice> {
  const into = interaction.customerId;
  if (!into) throw conflict('This interaction has no customer card to merge into.');
  const { other, moved } = await deps.db.transaction().execute(async (trx) => {
    const other = await ownership.mergeableCustomer(interaction, otherCustomerId, trx);
    const moved = await interactionCount(trx, other.id);
    await mergeCustomers(trx, into, other.id);
    return { other, moved };
  });
  for (const link of (await listRecordLinks(deps.db, interaction.id)).filter((l) => l.linked)) await addHistory(deps, interaction, link);
  return {
    kind: 'info',
    text: `Merged ${other.name}'s card into this one: ${other.identifiers.map((i) => i.value).join(', ')} and ${moved} interaction${moved === 1 ? '' : 's'} now belong to this customer.`,
  };
}
