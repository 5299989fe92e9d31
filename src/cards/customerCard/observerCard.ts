import type { CustomerCardView } from '../../domain/customerCard.js';
import { card, facts, heading, plain, text, trimText } from '../elements.js';
import type { AdaptiveCard, CardElement } from '../schema/adaptiveCard.js';
import { headerBlock, stateWord } from './header.js';
import { refreshFor } from './refresh.js';

/**
 * The card as anyone but its owner sees the message: whose card it is and where it stands (state, how many
 * CRM writes are done), without a single piece of customer data. Its refresh gets the owner their own view.
 */
export function observerCard(view: CustomerCardView, withRefresh: boolean): AdaptiveCard {
  const { interaction } = view;
  const owner = plain(trimText(view.owner.name, 80));
  const failed = view.crmWrites.filter((w) => w.status === 'dead').length;
  const body: CardElement[] = [
    headerBlock(
      [
        heading('Customer Card'),
        text(`${owner}'s Customer Card of one interaction.`, { spacing: 'None' }),
        facts([
          { title: 'Handled by', value: owner },
          { title: 'State', value: stateWord(view) },
        ]),
      ],
      interaction.state,
    ),
    text(`Read-only: only ${owner} sees this card's customer, records and notes, and only they can act on it.`, { isSubtle: true }),
  ];
  if (view.crmWrites.length) {
    const done = view.crmWrites.filter((w) => w.status === 'done').length;
    body.push(heading(`Saved to the CRM (${done} of ${view.crmWrites.length})`, 'Medium'));
    if (failed) body.push(text(`${failed} failed: ${owner}'s card says which.`, { color: 'Attention' }));
  }
  return card(body, [], refreshFor(view, withRefresh));
}
