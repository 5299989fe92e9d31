import type { CustomerCardView, Notice } from '../domain/customerCard.js';
import { formatWhen } from '../domain/timeZone.js';
import { banner } from './banner.js';
import { fitToBudget } from './budget.js';
import { actionSet, card, container, execute, facts, heading, plain, showCard, text, trimText } from './elements.js';
import type { AdaptiveCard, CardElement } from './schema/adaptiveCard.js';
import { VERBS } from './verbs.js';
import type { CardViewer } from './customerCard/cardViewer.js';
import { crmWrites } from './customerCard/crmWrites.js';
import { closedLine, digitalActions, digitalLine, fitDigital, threadFacts, transcript } from './customerCard/digital.js';
import { acwForm, contactForm } from './customerCard/forms.js';
import { callLine, duration, headerBlock, stateWord } from './customerCard/header.js';
import { observerCard } from './customerCard/observerCard.js';
import { listed, recordBlock } from './customerCard/records.js';
import { refreshFor } from './customerCard/refresh.js';
import { sections } from './customerCard/sections.js';
import { toolbar } from './customerCard/toolbar.js';

export type { CardViewer } from './customerCard/cardViewer.js';
export { contactForm } from './customerCard/forms.js';

const MAX_LISTED = 15;

/**
 * The Customer Card of one interaction (SPEC: Current Interaction, Related Interactions). It carries a
 * Universal Actions `refresh` naming its owner, so Teams fetches the owner's own view whenever the card
 * is shown to them, while the message itself holds the observers' view.
 */
export function customerCard(view: CustomerCardView, viewer: CardViewer = 'owner', options: { refresh?: boolean } = {}): AdaptiveCard {
  const withRefresh = options.refresh ?? true;
  if (viewer === 'observer') return observerCard(view, withRefresh);
  if (view.digital) return fitDigital((limit, shown) => build(view, viewer, limit, withRefresh, shown), MAX_LISTED, view.digital.messages.length);
  return fitToBudget((limit) => build(view, viewer, limit, withRefresh), MAX_LISTED);
}

/**
 * The card as posted in the chat. `shared`: the read-only view, refreshed into the owner's by Teams.
 * `owner`: the owner's view itself, with no refresh, for clients without user specific views.
 */
export function customerCardMessage(view: CustomerCardView, messageView: 'shared' | 'owner'): AdaptiveCard {
  return messageView === 'shared' ? customerCard(view, 'observer') : customerCard(view, 'owner', { refresh: false });
}

/** `shown`: how many of a conversation's latest messages the card shows (a call has none). */
function build(view: CustomerCardView, viewer: CardViewer, limit: number, withRefresh: boolean, shown = 0): AdaptiveCard {
  const { interaction, digital } = view;
  const open = interaction.state !== 'completed' && viewer === 'owner' && digital?.status !== 'Closed';
  const ids = { interactionId: interaction.id };
  const body: CardElement[] = [
    headerBlock(
      [
        heading('Customer Card'),
        text(digital ? digitalLine(digital) : callLine(view), { spacing: 'None' }),
        ...(view.customer
          ? [
              text(
                `Customer: **${plain(trimText(view.customer.name, 80))}** · ${view.customer.interactions} interaction${view.customer.interactions === 1 ? '' : 's'} · ${plain(trimText(view.customer.identifiers.join(', '), 120))}`,
                { spacing: 'None', isSubtle: true },
              ),
            ]
          : []),
        facts([
          ...(digital ? threadFacts(digital) : [{ title: 'State', value: stateWord(view) }]),
          { title: 'Started', value: formatWhen(interaction.startedAt, view.timeZone) },
          ...(interaction.endedAt ? [{ title: 'Duration', value: duration(interaction.durationSeconds) }] : []),
          ...(interaction.disposition ? [{ title: 'Disposition', value: plain(interaction.disposition) }] : []),
        ]),
      ],
      interaction.state,
    ),
  ];
  // The read-only view shows it too: what an agent who let a conversation go is told happened to it.
  if (view.notice && viewer !== 'observer') body.push(noticeBlock(view.notice));
  if (viewer === 'supervisor' && interaction.state !== 'completed') {
    body.push(text(`Read-only: only ${plain(view.owner.name)}, who handles this interaction, can act on this card.`, { isSubtle: true }));
  }
  // A conversation's transcript comes before the CRM: it is what the agent answers.
  if (digital) {
    body.push(...transcript(digital, view.timeZone, shown));
    if (open) body.push(digitalActions(view, digital));
    else if (digital.status === 'Closed' || interaction.state === 'completed') body.push(closedLine());
  }

  const current: CardElement[] = [heading(`Current Interaction (${view.current.length})`, 'Medium')];
  if (view.current.length === 0) current.push(text(emptyCurrent(view), { isSubtle: true }));
  current.push(...listed(view.current, limit, (r) => recordBlock(r, ids, open, viewer, view)));
  if (open && interaction.matchState === 'none' && view.current.length === 0 && view.can.createContact) {
    // The form in a card of its own, as every form (customerCard/forms.ts says why).
    current.push(
      container(
        [
          text('**Create contact** for this caller', { spacing: 'None' }),
          actionSet([showCard('Create contact…', contactForm(interaction.ani), [execute('Create contact', VERBS.createContact, ids, { style: 'positive' })])]),
        ],
        { style: 'emphasis' },
      ),
    );
  }

  const related: CardElement[] = [heading(`Related Interactions (${view.related.length})`, 'Medium')];
  if (view.related.length === 0) related.push(text('Nothing related yet. Search by name, phone, email or case number to find records.', { isSubtle: true }));
  related.push(...listed(view.related, limit, (r) => recordBlock(r, ids, open, viewer, view)));

  const activities: CardElement[] = [heading(`Activities (${view.activities.length})`, 'Medium')];
  if (view.activities.length === 0) activities.push(text('No activity on the linked records yet. Completing After Call Work adds one to each.', { isSubtle: true }));
  activities.push(
    ...view.activities.slice(0, limit).map((a) => text(`**${plain(trimText(a.subject, 100))}** · ${plain(trimText(a.record, 60))} · ${formatWhen(a.when, view.timeZone)}`, { separator: true })),
  );

  body.push(
    ...sections(
      interaction.id,
      [
        { key: 'current', title: `Current (${view.current.length})`, items: current },
        { key: 'related', title: `Related (${view.related.length})`, items: related },
        { key: 'activities', title: `Activities (${view.activities.length})`, items: activities },
      ],
      interaction.matchState === 'multiple' && view.current.length === 0 ? 'related' : 'current',
    ),
  );

  if (interaction.state === 'acw' && open) body.push(acwForm(view));
  if (interaction.state === 'completed' && interaction.notes) {
    body.push(text(`**Notes:** ${plain(trimText(interaction.notes, 500))}`));
  }
  if (view.crmWrites.length) body.push(...crmWrites(view, limit));

  return card(body, open ? toolbar(view) : [], refreshFor(view, withRefresh));
}

function emptyCurrent(view: CustomerCardView): string {
  switch (view.interaction.matchState) {
    case 'multiple':
      return "Several matches: choose. Link the caller's record from Related Interactions; nothing is linked until you do.";
    case 'none':
      return 'No record matches this number. Create a contact, or search and link one.';
    default:
      return 'No record linked. Link one from Related Interactions, or create one.';
  }
}

function noticeBlock(notice: Notice): CardElement {
  return banner(notice.kind, plain(trimText(notice.text, 600)));
}
