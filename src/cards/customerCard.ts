import type { CustomerCardView, Notice, RecordView } from '../domain/customerCard.js';
import { describeState } from '../domain/interaction.js';
import { displayPhone } from '../domain/phone.js';
import { formatWhen } from '../domain/timeZone.js';
import { banner } from './banner.js';
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
  recordAction,
  showCard,
  text,
  trimText,
  type Action,
  type Element,
} from './elements.js';
import { VERBS } from './verbs.js';

const MAX_LISTED = 15;
const MAX_FIELD = 200;

/**
 * Who the card is drawn for:
 * - `owner`, the agent handling the interaction: everything, and every action while it is open;
 * - `supervisor` (SUPERVISOR_IDS) reading another agent's card: the same information, no action;
 * - `observer`, anyone else Teams shows the message to: no customer data at all (no name, number, record,
 *   note or disposition), only that this is an agent's Customer Card, whose, and how far along it is.
 */
export type CardViewer = 'owner' | 'supervisor' | 'observer';

/**
 * The Customer Card of one interaction (SPEC: Current Interaction, Related Interactions). It carries a
 * Universal Actions `refresh` naming its owner, so Teams fetches the owner's own view whenever the card
 * is shown to them, while the message itself holds the observers' view.
 */
export function customerCard(view: CustomerCardView, viewer: CardViewer = 'owner', options: { refresh?: boolean } = {}): Element {
  const withRefresh = options.refresh ?? true;
  if (viewer === 'observer') return observerCard(view, withRefresh);
  return fitToBudget((limit) => build(view, viewer, limit, withRefresh), MAX_LISTED);
}

/**
 * The card as posted in the chat. `shared`: the read-only view, refreshed into the owner's by Teams.
 * `owner`: the owner's view itself, with no refresh, for clients without user specific views.
 */
export function customerCardMessage(view: CustomerCardView, messageView: 'shared' | 'owner'): Element {
  return messageView === 'shared' ? customerCard(view, 'observer') : customerCard(view, 'owner', { refresh: false });
}

function build(view: CustomerCardView, viewer: CardViewer, limit: number, withRefresh: boolean): Element {
  const { interaction } = view;
  const open = interaction.state !== 'completed' && viewer === 'owner';
  const ids = { interactionId: interaction.id };
  const body: Element[] = [
    container(
      [
        heading('Customer Card'),
        text(callLine(view), { spacing: 'None' }),
        ...(view.customer
          ? [
              text(
                `Customer: **${plain(trimText(view.customer.name, 80))}** · ${view.customer.interactions} interaction${view.customer.interactions === 1 ? '' : 's'} · ${plain(trimText(view.customer.identifiers.join(', '), 120))}`,
                { spacing: 'None', isSubtle: true },
              ),
            ]
          : []),
        facts([
          { title: 'State', value: stateWord(view) },
          { title: 'Started', value: formatWhen(interaction.startedAt, view.timeZone) },
          ...(interaction.endedAt ? [{ title: 'Duration', value: duration(interaction.durationSeconds) }] : []),
          ...(interaction.disposition ? [{ title: 'Disposition', value: plain(interaction.disposition) }] : []),
        ]),
      ],
      { style: interaction.state === 'acw' ? 'warning' : interaction.state === 'completed' ? 'default' : 'accent', bleed: true },
    ),
  ];
  if (view.notice && viewer === 'owner') body.push(noticeBlock(view.notice));
  if (viewer === 'supervisor' && interaction.state !== 'completed') {
    body.push(text(`Read-only: only ${plain(view.owner.name)}, who handles this interaction, can act on this card.`, { isSubtle: true }));
  }

  const current: Element[] = [heading(`Current Interaction (${view.current.length})`, 'Medium')];
  if (view.current.length === 0) current.push(text(emptyCurrent(view), { isSubtle: true }));
  current.push(...listed(view.current, limit, (r) => recordBlock(r, ids, open, viewer, view)));
  if (open && interaction.matchState === 'none' && view.current.length === 0 && view.can.createContact) {
    // Every form sits in a card of its own: an action takes the inputs of its card and the cards around it
    // (associatedInputs 'auto'), so inputs left in the card's body would be checked and sent by every action.
    current.push(container([text('**Create contact** for this caller', { spacing: 'None' }), actionSet([showCard('Create contact…', contactForm(interaction.ani), [execute('Create contact', VERBS.createContact, ids, { style: 'positive' })])])], { style: 'emphasis' }));
  }

  const related: Element[] = [heading(`Related Interactions (${view.related.length})`, 'Medium')];
  if (view.related.length === 0) related.push(text('Nothing related yet. Search by name, phone, email or case number to find records.', { isSubtle: true }));
  related.push(...listed(view.related, limit, (r) => recordBlock(r, ids, open, viewer, view)));

  const activities: Element[] = [heading(`Activities (${view.activities.length})`, 'Medium')];
  if (view.activities.length === 0) activities.push(text('No activity on the linked records yet. Completing After Call Work adds one to each.', { isSubtle: true }));
  activities.push(
    ...view.activities.slice(0, limit).map((a) =>
      text(`**${plain(trimText(a.subject, 100))}** · ${plain(trimText(a.record, 60))} · ${formatWhen(a.when, view.timeZone)}`, { separator: true }),
    ),
  );

  body.push(...sections(interaction.id, [
    { key: 'current', title: `Current (${view.current.length})`, items: current },
    { key: 'related', title: `Related (${view.related.length})`, items: related },
    { key: 'activities', title: `Activities (${view.activities.length})`, items: activities },
  ], interaction.matchState === 'multiple' && view.current.length === 0 ? 'related' : 'current'));

  if (interaction.state === 'acw' && open) body.push(acwForm(view));
  if (interaction.state === 'completed' && interaction.notes) {
    body.push(text(`**Notes:** ${plain(trimText(interaction.notes, 500))}`));
  }
  if (view.crmWrites.length) body.push(...crmWrites(view, limit));

  return card(body, open ? toolbar(view) : [], refreshFor(view, withRefresh));
}

/**
 * The card as anyone but its owner sees the message: whose card it is and where it stands (state, how many
 * CRM writes are done), without a single piece of customer data. Its refresh gets the owner their own view.
 */
function observerCard(view: CustomerCardView, withRefresh: boolean): Element {
  const { interaction } = view;
  const owner = plain(trimText(view.owner.name, 80));
  const failed = view.crmWrites.filter((w) => w.status === 'dead').length;
  const body: Element[] = [
    container(
      [
        heading('Customer Card'),
        text(`${owner}'s Customer Card of one interaction.`, { spacing: 'None' }),
        facts([
          { title: 'Handled by', value: owner },
          { title: 'State', value: stateWord(view) },
        ]),
      ],
      { style: interaction.state === 'acw' ? 'warning' : interaction.state === 'completed' ? 'default' : 'accent', bleed: true },
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

/** The Universal Actions refresh naming the owner: Teams fetches their own view whenever they see the card. */
function refreshFor(view: CustomerCardView, withRefresh: boolean): Record<string, unknown> {
  return withRefresh && view.owner.teamsUserId
    ? { refresh: { action: { type: 'Action.Execute', verb: VERBS.refresh, data: { interactionId: view.interaction.id } }, userIds: [view.owner.teamsUserId] } }
    : {};
}

/** What ACW wrote to the CRM, record by record: in words, so progress does not hide in a colour. */
function crmWrites(view: CustomerCardView, limit: number): Element[] {
  const word = {
    pending: 'Waiting',
    running: 'Saving',
    done: 'Saved',
    dead: 'Failed',
    superseded: 'Not needed: a later call’s data is saved',
    nothing: 'Nothing to write: no data mapping covers this record',
  } as const;
  const lines = view.crmWrites.slice(0, 2 * limit).map((w) => ({
    title: `${w.what === 'timeline' ? 'Activity' : 'Data'} · ${plain(trimText(w.record, 60))}`,
    value: `${word[w.status]}${w.error ? `: ${plain(trimText(w.error, 160))}. An admin can retry it.` : ''}`,
  }));
  const done = view.crmWrites.filter((w) => w.status === 'done').length;
  // A superseded write, or one with nothing to write, is not one to save: "2 of 3" would wait forever for it.
  const toSave = view.crmWrites.filter((w) => w.status !== 'superseded' && w.status !== 'nothing').length;
  return [
    heading(`Saved to the CRM (${done} of ${toSave})`, 'Medium'),
    facts(lines),
    ...(view.crmWrites.length > lines.length ? [text(`Showing ${lines.length} of ${view.crmWrites.length}.`, { isSubtle: true })] : []),
  ];
}

/**
 * The card's sections, one shown at a time: a row of buttons, each showing its section and hiding the
 * others (Action.ToggleVisibility), so the card stays short and the agent chooses what to read.
 */
function sections(interactionId: string, list: Array<{ key: string; title: string; items: Element[] }>, expanded: string): Element[] {
  const id = (key: string) => `section-${key}-${interactionId.slice(0, 8)}`;
  const buttons = list.map((section) => ({
    type: 'Action.ToggleVisibility',
    title: section.title,
    tooltip: `Show ${section.title.replace(/ \(\d+\)$/, '')} and hide the other sections`,
    targetElements: list.map((other) => ({ elementId: id(other.key), isVisible: other.key === section.key })),
  }));
  return [actionSet(buttons), ...list.map((section) => container(section.items, { id: id(section.key), isVisible: section.key === expanded }))];
}

/**
 * Who is calling. While the call rings the line says so, with the caller's name when the data dip found
 * them (the linked contact, else a customer already known by a name), so the agent knows before picking up.
 */
function callLine(view: CustomerCardView): string {
  const phone = displayPhone(view.interaction.ani);
  if (view.interaction.state !== 'offered') return `Inbound call from **${phone}**`;
  const person = view.current.find((r) => r.role === 'person');
  const name = person?.name ?? (view.customer && view.customer.name !== phone ? view.customer.name : undefined);
  return `Incoming call from ${name ? `**${plain(trimText(name, 80))}** · ` : ''}${name ? phone : `**${phone}**`} · ringing`;
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
  return banner(notice.kind, plain(trimText(notice.text, 600)));
}

function listed(records: RecordView[], limit: number, render: (r: RecordView) => Element): Element[] {
  const shown = records.slice(0, limit).map(render);
  if (records.length > limit) {
    shown.push(text(`Showing ${limit} of ${records.length}. Search to narrow the list.`, { isSubtle: true, size: 'Small' }));
  }
  return shown;
}

function recordBlock(record: RecordView, ids: { interactionId: string }, open: boolean, viewer: CardViewer, view: CustomerCardView): Element {
  const ref = { ...ids, recordType: record.ref.type, recordId: record.ref.id };
  const actions: Action[] = [];
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

export function contactForm(ani: string): Element[] {
  return [
    input('firstName', 'First name', { maxLength: 80 }),
    input('lastName', 'Last name', { isRequired: true, errorMessage: 'Last name is required', maxLength: 80 }),
    input('phone', 'Phone', { value: displayPhone(ani), style: 'Tel', maxLength: 40 }),
    input('email', 'Email', { style: 'Email', maxLength: 254 }),
  ];
}

/** The New case form; its priority offers the CRM's own choices (none known: the CRM's default applies). */
function caseForm(priority: CustomerCardView['casePriority']): Element[] {
  return [
    input('subject', 'Subject', { isRequired: true, errorMessage: 'Subject is required', maxLength: 200 }),
    input('description', 'Description', { isMultiline: true, maxLength: 4000 }),
    ...(priority ? [choiceInput('priority', 'Priority', priority.choices, priority.defaultValue)] : []),
  ];
}

/** A choice set of value/label pairs (choices() in elements.ts takes plain titles). */
function choiceInput(id: string, label: string, options: Array<{ value: string; label: string }>, value?: string): Element {
  return {
    type: 'Input.ChoiceSet',
    id,
    label,
    style: 'compact',
    choices: options.slice(0, 50).map((o) => ({ title: plain(trimText(o.label, 80)), value: o.value })),
    ...(value !== undefined ? { value } : {}),
  };
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
function mergeDialog(view: CustomerCardView, customer: NonNullable<CustomerCardView['customer']>): Action {
  const ids = { interactionId: view.interaction.id };
  const found = customer.duplicates.map((d) =>
    container(
      [
        text(`**${plain(trimText(d.name, 80))}** · ${plain(trimText(d.identifiers.join(', '), 120))}`),
        actionSet([recordAction('Merge into this card', d.name, VERBS.mergeCustomer, { ...ids, customerId: d.id }, { tooltip: `Merge ${d.name}'s card into ${customer.name}'s: identifiers and interactions move, nothing is deleted in the CRM` })]),
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

function duration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m ? `${m} min ${s} s` : `${s} s`;
}
