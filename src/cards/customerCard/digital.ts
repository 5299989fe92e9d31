import type { CustomerCardView } from '../../domain/customerCard.js';
import { deliveryLabel, isRightToLeft, THREAD_STATUSES, type DigitalCardView, type DigitalKind, type TranscriptMessageView } from '../../domain/digital.js';
import { formatWhen } from '../../domain/timeZone.js';
import { cardBytes, CARD_BUDGET_BYTES } from '../budget.js';
import { actionSet, choices, choiceSet, container, execute, heading, input, plain, showCard, text, trimText } from '../elements.js';
import type { AdaptiveCard, CardAction, CardElement, Container } from '../schema/adaptiveCard.js';
import { VERBS } from '../verbs.js';

/*
 * The digital part of the Customer Card (issue 14): which conversation it is, its transcript (the latest
 * messages that fit the 28 KB budget, right-to-left text shown right to left), and while it is open, the
 * agent's reply, its outcome, and letting it go (transfer, unassign, dismiss). Every form sits in a card of
 * its own (an Action.ShowCard), as the other forms do (forms.ts), so each action sends only its inputs.
 */

/** A single message is cut to this many characters on the card (the whole text stays in the transcript). */
const MAX_MESSAGE = 1500;

const KIND_NAMES: Record<DigitalKind, string> = { chat: 'Chat', sms: 'SMS', web: 'Web' };

/** The header's line: what kind of conversation, on which channel, with whom. */
export function digitalLine(digital: DigitalCardView): string {
  const channel = digital.channel.name ? ` on ${plain(trimText(digital.channel.name, 60))}` : '';
  return `${KIND_NAMES[digital.channel.kind] ?? 'Conversation'}${channel} with **${plain(trimText(digital.endUserName, 80))}**`;
}

/** What the header says of the thread: its status, and who has it when nobody does. */
export function threadFacts(digital: DigitalCardView): Array<{ title: string; value: string }> {
  return [
    { title: 'Status', value: digital.status },
    ...(digital.assignment !== 'assigned' ? [{ title: 'Assignment', value: digital.assignment === 'queued' ? 'Waiting in the queue' : 'Dismissed' }] : []),
    ...(digital.tags.length ? [{ title: 'Tags', value: plain(trimText(digital.tags.join(', '), 200)) }] : []),
  ];
}

/** The delivery line of an outbound message (the reason, of the platform's making, cut and made plain). */
function deliveryWord(delivery: TranscriptMessageView['delivery']): { word: string; failed: boolean } | undefined {
  if (!delivery) return undefined;
  const error = delivery.error === null ? null : plain(trimText(delivery.error, 200));
  return { word: deliveryLabel({ status: delivery.status, error }), failed: delivery.status === 'failed' };
}

function messageBlock(message: TranscriptMessageView, timeZone: string | null): Container {
  const delivery = deliveryWord(message.delivery);
  const rtl = isRightToLeft(message.text);
  return container(
    [
      text(`**${plain(trimText(message.authorName, 80))}** · ${formatWhen(message.createdAt, timeZone)}`, { size: 'Small', isSubtle: true }),
      text(plain(trimText(message.text, MAX_MESSAGE)), { spacing: 'None' }),
      ...(delivery ? [text(delivery.word, { size: 'Small', spacing: 'None', ...(delivery.failed ? { color: 'Attention' as const } : { isSubtle: true }) })] : []),
    ],
    { separator: true, ...(message.direction === 'outbound' ? { style: 'emphasis' as const } : {}), ...(rtl ? { rtl: true } : {}) },
  );
}

/** The transcript: the latest `shown` messages, oldest first, and how many earlier ones are left out. */
export function transcript(digital: DigitalCardView, timeZone: string | null, shown: number): CardElement[] {
  const messages = digital.messages.slice(Math.max(0, digital.messages.length - shown));
  const earlier = digital.earlier + digital.messages.length - messages.length;
  return [
    heading(`Conversation (${digital.earlier + digital.messages.length})`, 'Medium'),
    ...(earlier > 0 ? [text(`${earlier} earlier message${earlier === 1 ? '' : 's'} not shown here.`, { isSubtle: true, size: 'Small' })] : []),
    ...(messages.length === 0 ? [text('No message yet.', { isSubtle: true })] : messages.map((m) => messageBlock(m, timeZone))),
  ];
}

/** What the agent does with an open conversation: reply, set its outcome, transfer, unassign, dismiss. */
export function digitalActions(view: CustomerCardView, digital: DigitalCardView): CardElement {
  const ids = { interactionId: view.interaction.id };
  const { agents, skills } = digital.transferTargets;
  const targets = [...agents.map((a) => ({ title: plain(trimText(a.name, 80)), value: `agent:${a.id}` })), ...skills.map((s) => ({ title: `Skill: ${s}`, value: `skill:${s}` }))];
  const actions: CardAction[] = [
    showCard(
      'Reply',
      [input('replyText', `Reply to ${trimText(digital.endUserName, 80)}`, { isMultiline: true, maxLength: 2000, isRequired: true, errorMessage: 'Type a reply', placeholder: 'Your message' })],
      [execute('Send', VERBS.reply, { ...ids, replyId: digital.replyId }, { style: 'positive' })],
    ),
    showCard(
      'Outcome',
      [
        choices('threadStatus', 'Status', THREAD_STATUSES, { value: digital.status, isRequired: true, errorMessage: 'Choose a status' }),
        input('threadTags', 'Tags, comma separated', { value: digital.tags.join(', '), maxLength: 500 }),
        input('threadNotes', 'Notes', { isMultiline: true, maxLength: 4000, value: view.interaction.notes ?? '', placeholder: 'What happened in the conversation' }),
      ],
      [execute('Save outcome', VERBS.saveOutcome, ids, { style: 'positive' })],
    ),
    showCard(
      'Transfer',
      targets.length
        ? [choiceSet('transferTo', 'Transfer to', targets, { isRequired: true, errorMessage: 'Choose an agent or a skill', placeholder: 'Choose…' })]
        : [text('No other agent is Available and no skill is known: the conversation can be unassigned to wait in the queue.', { isSubtle: true })],
      targets.length ? [execute('Transfer', VERBS.transfer, ids)] : [],
    ),
    execute('Unassign', VERBS.unassign, ids, { associatedInputs: 'none', tooltip: 'Put the conversation back in the queue for another agent' }),
    execute('Dismiss', VERBS.dismiss, ids, { associatedInputs: 'none', tooltip: 'Let the conversation go until the customer writes again' }),
  ];
  return actionSet(actions);
}

/** What a Closed conversation's read-only card says in place of its actions. */
export function closedLine(): CardElement {
  return text('**Closed.** This conversation is over: its card is read-only. What was written to the CRM is below.', { isSubtle: true });
}

/**
 * The largest card that fits the budget: the most messages first (older ones dropped first), then fewer
 * records per list, as fitToBudget does for calls.
 */
export function fitDigital(build: (limit: number, shown: number) => AdaptiveCard, maxListed: number, messages: number): AdaptiveCard {
  for (let limit = maxListed; ; limit = Math.floor(limit / 2)) {
    for (let shown = messages; ; shown = Math.floor(shown / 2)) {
      const built = build(limit, Math.max(shown, Math.min(1, messages)));
      if (cardBytes(built) <= CARD_BUDGET_BYTES || (limit === 0 && shown <= 1)) return built;
      if (shown <= 1) break;
    }
  }
}
