import type { CustomerCardView } from '../../domain/customerCard.js';
import { displayPhone } from '../../domain/phone.js';
import { actionSet, choices, choiceSet, container, execute, heading, input, plain, showCard, text, trimText } from '../elements.js';
import type { CardElement, Container } from '../schema/adaptiveCard.js';
import { VERBS } from '../verbs.js';

/*
 * The forms of the Customer Card. Every form sits in a card of its own (an Action.ShowCard): an action takes
 * the inputs of its card and the cards around it (associatedInputs 'auto'), so inputs left in the card's body
 * would be checked and sent by every action.
 */

/** `ani`: who the interaction is with, an E.164 number (a call, an SMS) or an email (a conversation): filled in. */
export function contactForm(ani: string): CardElement[] {
  const email = ani.includes('@') ? ani : undefined;
  return [
    input('firstName', 'First name', { maxLength: 80 }),
    input('lastName', 'Last name', { isRequired: true, errorMessage: 'Last name is required', maxLength: 80 }),
    input('phone', 'Phone', { value: ani.startsWith('+') ? displayPhone(ani) : '', style: 'Tel', maxLength: 40 }),
    input('email', 'Email', { style: 'Email', maxLength: 254, ...(email !== undefined && { value: email }) }),
  ];
}

/** The New case form; its priority offers the CRM's own choices (none known: the CRM's default applies). */
export function caseForm(priority: CustomerCardView['casePriority']): CardElement[] {
  return [
    input('subject', 'Subject', { isRequired: true, errorMessage: 'Subject is required', maxLength: 200 }),
    input('description', 'Description', { isMultiline: true, maxLength: 4000 }),
    ...(priority
      ? [
          choiceSet(
            'priority',
            'Priority',
            priority.choices.slice(0, 50).map((o) => ({ title: plain(trimText(o.label, 80)), value: o.value })),
            priority.defaultValue !== undefined ? { value: priority.defaultValue } : {},
          ),
        ]
      : []),
  ];
}

/** After Call Work: what completing will write, and the disposition and notes form that completes it. */
export function acwForm(view: CustomerCardView): Container {
  return container(
    [
      heading('After Call Work', 'Medium'),
      text(
        view.current.length
          ? `Completing sends one activity and the interaction data to each linked record (${view.current.length}).`
          : 'No record is linked: completing writes nothing to the CRM. Link a record first if this call should be logged.',
        { isSubtle: true },
      ),
      actionSet([
        showCard(
          'Disposition and notes…',
          [
            choices('disposition', 'Disposition', view.dispositions, { isRequired: true, errorMessage: 'Choose a disposition', placeholder: 'Choose…' }),
            input('notes', 'Notes', { isMultiline: true, maxLength: 4000, placeholder: 'What happened on the call' }),
          ],
          [execute('Complete ACW', VERBS.completeAcw, { interactionId: view.interaction.id }, { style: 'positive' })],
        ),
      ]),
    ],
    { style: 'emphasis', separator: true },
  );
}
