import type { CustomerCardView } from '../../domain/customerCard.js';
import { actionSet, container, execute, input, plain, recordAction, showCard, text, trimText } from '../elements.js';
import type { CardAction, ShowCardAction } from '../schema/adaptiveCard.js';
import { VERBS } from '../verbs.js';
import { contactForm } from './forms.js';

/** The card's own actions, below its body while the interaction is open: search, new records, merge. */
export function toolbar(view: CustomerCardView): CardAction[] {
  const ids = { interactionId: view.interaction.id };
  const actions: CardAction[] = [];
  if (view.can.search) {
    actions.push(
      showCard('Search', [input('query', 'Name, phone, email or case number', { isRequired: true, errorMessage: 'Type what to search for', maxLength: 100 })], [execute('Search', VERBS.search, ids)]),
    );
  }
  if (view.can.createContact && !(view.interaction.matchState === 'none' && view.current.length === 0)) {
    actions.push(showCard('New contact', contactForm(view.interaction.ani), [execute('Create contact', VERBS.createContact, ids, { style: 'positive' })]));
  }
  if (view.customer) actions.push(mergeDialog(view, view.customer));
  if (view.can.createCustom) {
    actions.push(
      showCard(
        'New record',
        [
          input('entity', 'Record type', { isRequired: true, errorMessage: 'Name the record type', placeholder: 'e.g. work_order', maxLength: 64 }),
          input('fields', 'Fields, one per line as name=value', { isMultiline: true, isRequired: true, errorMessage: 'Give at least one field', placeholder: 'name=WO-7001\nsubject=Replace cartons' }),
        ],
        [execute('Create record', VERBS.createCustom, ids, { style: 'positive' })],
      ),
    );
  }
  return actions;
}

/** The merge dialog: likely duplicates of this customer (by name, phone, email), and a search for others. */
function mergeDialog(view: CustomerCardView, customer: NonNullable<CustomerCardView['customer']>): ShowCardAction {
  const ids = { interactionId: view.interaction.id };
  const found = customer.duplicates.map((d) =>
    container(
      [
        text(`**${plain(trimText(d.name, 80))}** · ${plain(trimText(d.identifiers.join(', '), 120))}`),
        actionSet([
          recordAction(
            'Merge into this card',
            d.name,
            VERBS.mergeCustomer,
            { ...ids, customerId: d.id },
            { tooltip: `Merge ${d.name}'s card into ${customer.name}'s: identifiers and interactions move, nothing is deleted in the CRM` },
          ),
        ]),
      ],
      { separator: true },
    ),
  );
  return showCard(
    // With nothing found yet, the dialog is a search for another card: a count of 0 would offer nothing.
    customer.duplicates.length ? `Merge (${customer.duplicates.length})` : 'Find a card to merge',
    [
      text(
        customer.duplicates.length
          ? `Cards that may be ${plain(customer.name)} too${customer.duplicateQuery ? ` (search: ${plain(customer.duplicateQuery)})` : ''}. Merging keeps every link and activity.`
          : `No other card looks like ${plain(customer.name)}${customer.duplicateQuery ? ` for "${plain(customer.duplicateQuery)}"` : ''}. Search by name, phone or email.`,
        { isSubtle: true },
      ),
      ...found,
      input('duplicateQuery', 'Find another card by name, phone or email', { maxLength: 100, value: customer.duplicateQuery ?? '' }),
    ],
    [execute('Find', VERBS.findDuplicates, ids)],
  );
}
