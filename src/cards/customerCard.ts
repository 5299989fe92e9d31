import type { CustomerCardView, Notice, RecordView } from '../domain/customerCard.js';
import { describeState } from '../domain/interaction.js';
import { displayPhone } from '../domain/phone.js';
import { fitToBudget } from './budget.js';
import {
  actionSet,
  card,
  choices,
  container,
  execute,
  facts,
  heading,
  input,
  plain,
  showCard,
  text,
  trimText,
  type Action,
  type Element,
} from './elements.js';
import { VERBS } from './verbs.js';

const MAX_LISTED = 15;
const MAX_FIELD = 200;

/** The Customer Card of one interaction (SPEC: Current Interaction, Related Interactions). */
export function customerCard(view: CustomerCardView): Element {
  return fitToBudget((limit) => build(view, limit), MAX_LISTED);
}

function build(view: CustomerCardView, limit: number): Element {
  const { interaction } = view;
  const open = interaction.state !== 'completed';
  const ids = { interactionId: interaction.id };
  const body: Element[] = [
    container(
      [
        heading('Customer Card'),
        text(`Inbound call from **${displayPhone(interaction.ani)}**`, { spacing: 'None' }),
        facts([
          { title: 'State', value: stateWord(view) },
          { title: 'Started', value: `${interaction.startedAt.slice(0, 16).replace('T', ' ')} UTC` },
          ...(interaction.endedAt ? [{ title: 'Duration', value: duration(interaction.durationSeconds) }] : []),
          ...(interaction.disposition ? [{ title: 'Disposition', value: plain(interaction.disposition) }] : []),
        ]),
      ],
      { style: interaction.state === 'acw' ? 'warning' : interaction.state === 'completed' ? 'default' : 'accent', bleed: true },
    ),
  ];
  if (view.notice) body.push(noticeBlock(view.notice));

  body.push(heading(`Current Interaction (${view.current.length})`, 'Medium'));
  if (view.current.length === 0) body.push(text(emptyCurrent(view), { isSubtle: true }));
  body.push(...listed(view.current, limit, (r) => recordBlock(r, ids, open, view)));

  if (open && interaction.matchState === 'none' && view.current.length === 0 && view.can.createContact) {
    body.push(container([text('**Create contact** for this caller', { spacing: 'None' }), ...contactForm(interaction.ani), actionSet([execute('Create contact', VERBS.createContact, ids, { style: 'positive' })])], { style: 'emphasis' }));
  }

  body.push(heading(`Related Interactions (${view.related.length})`, 'Medium'));
  if (view.related.length === 0) body.push(text('Nothing related yet. Search by name, phone, email or case number to find records.', { isSubtle: true }));
  body.push(...listed(view.related, limit, (r) => recordBlock(r, ids, open, view)));

  if (interaction.state === 'acw') body.push(acwForm(view));
  if (interaction.state === 'completed' && interaction.notes) {
    body.push(text(`**Notes:** ${plain(trimText(interaction.notes, 500))}`));
  }

  return card(body, open ? toolbar(view) : []);
}

function stateWord(view: CustomerCardView): string {
  const state = view.interaction.state;
  if (state === 'active') return 'On call';
  if (state === 'acw') return 'After Call Work';
  return describeState(state).replace(/^./, (c) => c.toUpperCase());
}

function emptyCurrent(view: CustomerCardView): string {
  switch (view.interaction.matchState) {
    case 'multiple':
      return 'Several matches: choose. Link the caller\'s record from Related Interactions; nothing is linked until you do.';
    case 'none':
      return 'No record matches this number. Create a contact, or search and link one.';
    default:
      return 'No record linked. Link one from Related Interactions, or create one.';
  }
}

function noticeBlock(notice: Notice): Element {
  const word = notice.kind === 'error' ? 'Problem' : notice.kind === 'warning' ? 'Note' : 'Done';
  return container([text(`**${word}:** ${plain(trimText(notice.text, 600))}`, { color: notice.kind === 'error' ? 'Attention' : notice.kind === 'warning' ? 'Warning' : 'Good' })], {
    style: notice.kind === 'error' ? 'attention' : notice.kind === 'warning' ? 'warning' : 'good',
  });
}

function listed(records: RecordView[], limit: number, render: (r: RecordView) => Element): Element[] {
  const shown = records.slice(0, limit).map(render);
  if (records.length > limit) {
    shown.push(text(`Showing ${limit} of ${records.length}. Search to narrow the list.`, { isSubtle: true, size: 'Small' }));
  }
  return shown;
}

function recordBlock(record: RecordView, ids: { interactionId: string }, open: boolean, view: CustomerCardView): Element {
  const ref = { ...ids, recordType: record.ref.type, recordId: record.ref.id };
  const actions: Action[] = [];
  if (open) {
    actions.push(
      record.linked
        ? execute('Unlink', VERBS.unlink, ref, { tooltip: `Unlink ${record.name}: nothing will be written to it for this interaction` })
        : execute('Link', VERBS.link, ref, { style: 'positive', tooltip: `Link ${record.name} to this interaction` }),
    );
  }
  actions.push(execute('Details', VERBS.details, ref, { tooltip: `All fields and activities of ${record.name}` }));
  if (open && view.can.createCase && record.linked && record.ref.type === 'contact') {
    actions.push(showCard('New case', caseForm(), [execute('Create case', VERBS.createCase, ids, { style: 'positive' })]));
  }
  const origin = record.origin === 'created' ? ' · created in this call' : record.origin === 'history' ? ' · from an earlier interaction' : '';
  return container(
    [
      text(`**${plain(record.typeLabel)}** · ${plain(trimText(record.name, 120))}${origin}`),
      ...(record.fields.length
        ? [facts(record.fields.map((f) => ({ title: plain(f.label), value: plain(trimText(f.value, MAX_FIELD)) })))]
        : []),
      actionSet(actions),
    ],
    { separator: true },
  );
}

export function contactForm(ani: string): Element[] {
  return [
    input('firstName', 'First name', { maxLength: 80 }),
    input('lastName', 'Last name', { isRequired: true, errorMessage: 'Last name is required', maxLength: 80 }),
    input('phone', 'Phone', { value: displayPhone(ani), style: 'Tel', maxLength: 40 }),
    input('email', 'Email', { style: 'Email', maxLength: 254 }),
  ];
}

function caseForm(): Element[] {
  return [
    input('subject', 'Subject', { isRequired: true, errorMessage: 'Subject is required', maxLength: 200 }),
    input('description', 'Description', { isMultiline: true, maxLength: 4000 }),
    choices('priority', 'Priority', ['Low', 'Medium', 'High'], { value: 'Medium' }),
  ];
}

function acwForm(view: CustomerCardView): Element {
  return container(
    [
      heading('After Call Work', 'Medium'),
      text(
        view.current.length
          ? `Completing sends one activity and the interaction data to each linked record (${view.current.length}).`
          : 'No record is linked: completing writes nothing to the CRM. Link a record first if this call should be logged.',
        { isSubtle: true },
      ),
      choices('disposition', 'Disposition', view.dispositions, { isRequired: true, errorMessage: 'Choose a disposition', placeholder: 'Choose…' }),
      input('notes', 'Notes', { isMultiline: true, maxLength: 4000, placeholder: 'What happened on the call' }),
      actionSet([execute('Complete ACW', VERBS.completeAcw, { interactionId: view.interaction.id }, { style: 'positive', associatedInputs: 'auto' })]),
    ],
    { style: 'emphasis', separator: true },
  );
}

function toolbar(view: CustomerCardView): Action[] {
  const ids = { interactionId: view.interaction.id };
  const actions: Action[] = [];
  if (view.can.search) {
    actions.push(
      showCard('Search', [input('query', 'Name, phone, email or case number', { isRequired: true, errorMessage: 'Type what to search for', maxLength: 100 })], [
        execute('Search', VERBS.search, ids),
      ]),
    );
  }
  if (view.can.createContact && !(view.interaction.matchState === 'none' && view.current.length === 0)) {
    actions.push(showCard('New contact', contactForm(view.interaction.ani), [execute('Create contact', VERBS.createContact, ids, { style: 'positive' })]));
  }
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

function duration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m ? `${m} min ${s} s` : `${s} s`;
}
