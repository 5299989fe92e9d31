import type { RecordDetails } from '../domain/recordDetails.js';
import { fitToBudget } from './budget.js';
import { actionSet, card, container, execute, facts, heading, input, plain, showCard, text, trimText } from './elements.js';
import type { AdaptiveCard, CardAction, CardElement } from './schema/adaptiveCard.js';
import { VERBS } from './verbs.js';

/** Field name prefix of the edit form's inputs, so they cannot collide with the action's own data. */
export const FIELD_INPUT_PREFIX = 'field_';

/**
 * All fields of one record and its activities, newest first, with an edit form while the call is open.
 * `limit` scales every list and text length together, so the budget can shrink the card as a whole.
 */
export function recordDetailsCard(details: RecordDetails): AdaptiveCard {
  return fitToBudget((limit) => build(details, limit), 20);
}

function build(details: RecordDetails, limit: number): AdaptiveCard {
  const ids = { interactionId: details.interactionId, recordType: details.record.ref.type, recordId: details.record.ref.id };
  const fieldChars = Math.min(300, 15 * limit);
  const body: CardElement[] = [
    heading(`${details.record.typeLabel}: ${plain(trimText(details.record.name, 120))}`),
    text(
      details.interactionId === null
        ? 'From your search, for reading. During a call, search from the Customer Card to link it.'
        : details.record.linked
          ? 'Linked to this interaction.'
          : 'Not linked to this interaction.',
      { isSubtle: true, spacing: 'None' },
    ),
    facts(details.fields.slice(0, 2 * limit).map((f) => ({ title: plain(trimText(f.label, 60)), value: plain(trimText(f.value, fieldChars)) }))),
  ];
  if (details.fields.length > 2 * limit) {
    body.push(text(`Showing ${2 * limit} of ${details.fields.length} fields; the CRM has the rest.`, { isSubtle: true }));
  }
  body.push(heading(`Activities (${details.activities.length})`, 'Medium'));
  if (details.activities.length === 0) body.push(text('No activity yet. Completing After Call Work with this record linked adds one.', { isSubtle: true }));
  for (const activity of details.activities.slice(0, limit)) {
    body.push(
      container(
        [
          text(`**${plain(trimText(activity.subject, 120))}**${activity.when ? ` · ${plain(activity.when)}` : ''}`),
          text(plain(trimText(activity.description, 20 * limit)), { isSubtle: true, spacing: 'None' }),
        ],
        { separator: true },
      ),
    );
  }
  if (details.activities.length > limit) body.push(text(`Showing ${limit} of ${details.activities.length} activities.`, { isSubtle: true }));

  const actions: CardAction[] = details.interactionId === null ? [] : [execute('Back to the Customer Card', VERBS.show, { interactionId: details.interactionId }, { associatedInputs: 'none' })];
  if (details.interactionId !== null && details.canUpdate && details.editable.length) {
    // An input must carry the whole value (a trimmed one would be saved trimmed), so long values stay out.
    const editChars = 25 * limit;
    const editable = details.editable.filter((f) => f.value.length <= editChars).slice(0, limit);
    const left = details.editable.length - editable.length;
    if (editable.length) {
      actions.push(
        showCard(
          'Edit',
          [
            ...editable.map((f) => input(`${FIELD_INPUT_PREFIX}${f.field}`, f.label, { value: f.value, maxLength: 1000 })),
            ...(left ? [text(`${left} more field${left === 1 ? '' : 's'} can be edited in the CRM itself.`, { isSubtle: true })] : []),
          ],
          [execute('Save', VERBS.updateRecord, ids, { style: 'positive' })],
        ),
      );
    }
  }
  if (actions.length) body.push(actionSet(actions));
  return card(body);
}
