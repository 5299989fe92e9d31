import type { RecordDetails } from '../interactions/interactionService.js';
import { fitToBudget } from './budget.js';
import { actionSet, card, container, execute, facts, heading, input, plain, showCard, text, trimText, type Element } from './elements.js';
import { VERBS } from './verbs.js';

/** Field name prefix of the edit form's inputs, so they cannot collide with the action's own data. */
export const FIELD_INPUT_PREFIX = 'field_';

/** All fields of one record and its activities, newest first, with an edit form while the call is open. */
export function recordDetailsCard(details: RecordDetails): Element {
  const ids = { interactionId: details.interactionId, recordType: details.record.ref.type, recordId: details.record.ref.id };
  return fitToBudget((limit) => {
    const body: Element[] = [
      heading(`${details.record.typeLabel}: ${plain(trimText(details.record.name, 120))}`),
      text(details.record.linked ? 'Linked to this interaction.' : 'Not linked to this interaction.', { isSubtle: true, spacing: 'None' }),
      facts(details.fields.slice(0, 40).map((f) => ({ title: plain(f.label), value: plain(trimText(f.value, 300)) }))),
      heading(`Activities (${details.activities.length})`, 'Medium'),
    ];
    if (details.activities.length === 0) body.push(text('No activity yet. Completing After Call Work with this record linked adds one.', { isSubtle: true }));
    for (const activity of details.activities.slice(0, limit)) {
      body.push(
        container(
          [
            text(`**${plain(trimText(activity.subject, 120))}** · ${activity.when.slice(0, 16).replace('T', ' ')} UTC`),
            text(plain(trimText(activity.description, 400)), { isSubtle: true, spacing: 'None' }),
          ],
          { separator: true },
        ),
      );
    }
    if (details.activities.length > limit) body.push(text(`Showing ${limit} of ${details.activities.length} activities.`, { isSubtle: true }));
    const actions = [execute('Back to the Customer Card', VERBS.show, { interactionId: details.interactionId })];
    if (details.canUpdate && details.editable.length) {
      actions.push(
        showCard(
          'Edit',
          details.editable.map((f) => input(`${FIELD_INPUT_PREFIX}${f.field}`, f.label, { value: f.value, maxLength: 1000 })),
          [execute('Save', VERBS.updateRecord, ids, { style: 'positive' })],
        ),
      );
    }
    body.push(actionSet(actions));
    return card(body);
  }, 20);
}
