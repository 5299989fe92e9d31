import type { CustomerCardView, RecordView } from '../../domain/customerCard.js';
import { actionSet, container, execute, facts, plain, recordAction, showCard, text, trimText } from '../elements.js';
import type { CardAction, CardElement, Container } from '../schema/adaptiveCard.js';
import { VERBS } from '../verbs.js';
import type { CardViewer } from './cardViewer.js';
import { caseForm } from './forms.js';

const MAX_FIELD = 200;

/** The first `limit` records, and a line saying how many more there are. */
export function listed(records: RecordView[], limit: number, render: (r: RecordView) => CardElement): CardElement[] {
  const shown = records.slice(0, limit).map(render);
  if (records.length > limit) {
    shown.push(text(`Showing ${limit} of ${records.length}. Search to narrow the list.`, { isSubtle: true, size: 'Small' }));
  }
  return shown;
}

/** One record: its type and name, its fields, and what the viewer may do with it. */
export function recordBlock(record: RecordView, ids: { interactionId: string }, open: boolean, viewer: CardViewer, view: CustomerCardView): Container {
  const ref = { ...ids, recordType: record.ref.type, recordId: record.ref.id };
  const actions: CardAction[] = [];
  if (open) {
    actions.push(
      record.linked
        ? recordAction('Unlink', record.name, VERBS.unlink, ref, { tooltip: `Unlink ${record.name}: nothing will be written to it for this interaction` })
        : recordAction('Link', record.name, VERBS.link, ref, { style: 'positive', tooltip: `Link ${record.name} to this interaction` }),
    );
  }
  if (viewer === 'owner') actions.push(recordAction('Details', record.name, VERBS.details, ref, { tooltip: `All fields and activities of ${record.name}` }));
  if (open && view.can.createCase && record.linked && record.role === 'person') {
    actions.push(showCard('New case', caseForm(view.casePriority), [execute('Create case', VERBS.createCase, ids, { style: 'positive' })]));
  }
  const origin = record.origin === 'created' ? ' · created in this call' : record.origin === 'history' ? ' · from an earlier interaction' : '';
  return container(
    [
      text(`**${plain(record.typeLabel)}** · ${plain(trimText(record.name, 120))}${origin}`),
      ...(record.fields.length || record.matchedOn
        ? [
            facts([
              ...(record.matchedOn ? [{ title: 'Matched on', value: record.matchedOn }] : []),
              ...record.fields.map((f) => ({ title: plain(f.label), value: plain(trimText(f.value, MAX_FIELD)) })),
            ]),
          ]
        : []),
      ...(actions.length ? [actionSet(actions)] : []),
    ],
    { separator: true },
  );
}
