import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import { refOf, type CrmRecord, type FieldValue, type RecordRef } from '../domain/crmRecord.js';
import { displayFields, type CustomerCardView, type FieldView, type Notice, typeLabel } from '../domain/customerCard.js';
import type { RecordDetails } from '../domain/recordDetails.js';
import { AppError, conflict, invalidInput, notFound, stale } from '../domain/errors.js';
import { describeState, linkOf, refreshedLink, type Interaction } from '../domain/interaction.js';
import { displayPhone, toE164 } from '../domain/phone.js';
import { findAgent, moveAgentState } from '../store/agentsRepository.js';
import {
  findCardActivityId,
  findInteraction,
  insertInteraction,
  listRecordLinks,
  openInteractionOf,
  findInteractionWithNotice,
  putRecordLinks,
  setLastNotice,
  setCardActivityId,
  setLinked,
  updateInteraction,
} from '../store/interactionsRepository.js';
import { customerFor } from '../store/customersRepository.js';
import { enqueueJobs } from '../store/jobsRepository.js';
import type { Database } from '../store/schema.js';
import type { WorkflowEngine } from '../workflows/engine.js';
import { runWorkflow } from '../workflows/invoke.js';
import { acwJobsFor } from './acwJobs.js';
import { runDataDip } from './dataDipScript.js';
import type { InteractionEvents } from './interactionEvents.js';
import { Ownership, type ReadAccess } from './ownership.js';
import { drawCard } from './cardQuery.js';
import { detailsSubjectOf, recordDetails } from './recordDetailsQuery.js';
import { lookupDetails, SearchLookups } from './searchLookups.js';
import { describeRecordType } from './recordTypes.js';
import { runAgentSearch, searchNotice } from './agentSearch.js';
import { changedFields } from '../domain/recordEdit.js';
import { mergeIntoCustomerOf } from './customerMerge.js';
import { addHistory, onLinked } from './recordHistory.js';
import { classifySearch } from './searchPlan.js';

export interface InteractionServiceDeps {
  db: Kysely<Database>;
  engine: WorkflowEngine;
  logger: Logger;
  defaultRegion: string;
  dispositions: readonly string[];
  /** Called after a commit that queued ACW jobs, so they run now rather than at the next poll. */
  onJobsQueued: () => void;
  /** Told after every committed change of a card. */
  events: InteractionEvents;
  clock?: () => Date;
  /** Written in the same transaction as After Call Work completed by the agent (the ACD webhook's outbox). */
  recordAcwCompleted?: (trx: Transaction<Database>, done: Interaction, at: string) => Promise<void>;
}

export interface SearchOutcome {
  /** The card of the agent's open interaction, with the results under Related Interactions. */
  card?: CustomerCardView;
  /** With no open interaction: the results alone. */
  results?: { query: string; notice: Notice; records: Array<{ ref: RecordRef; typeLabel: string; name: string; fields: FieldView[] }> };
}

const MAX_NOTES = 4000;

/**
 * The interaction lifecycle of one agent: a call arrives and the data dip runs, the agent links, creates
 * and edits records, hangs up, and completes After Call Work, which queues timeline and memorialization.
 * Every method that takes an interaction id from a caller goes through `Ownership` (ownership.ts) first:
 * the interaction must be the caller's (and still open, to change it), or the answer is the same refusal
 * as for an id that does not exist.
 */
export class InteractionService {
  private readonly clock: () => Date;
  private readonly ownership: Ownership;

  constructor(private readonly deps: InteractionServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.ownership = new Ownership(deps.db);
  }

  /** What each agent's last search outside a call found: what Details may read for them outside a call. */
  private readonly lookups = new SearchLookups();

  /**
   * Routes an inbound voice call from `rawNumber` to the agent and runs the default interaction script.
   * `ringing`: the call rings (offered) until the ACD says it is answered (ContactConvergence), so the card
   * shows who is calling before the agent picks up; they are Working on it from the moment it rings (it is
   * theirs, reserved). Otherwise it is answered at once.
   */
  async offerCall(agentId: string, rawNumber: string, options: { ringing?: boolean } = {}): Promise<CustomerCardView> {
    const ani = toE164(rawNumber, this.deps.defaultRegion);
    if (!ani) {
      throw invalidInput(`"${rawNumber}" is not a phone number I can route. Try +12065550142 or (206) 555-0142.`);
    }
    const configurationId = this.deps.engine.defaultConfigurationId;
    if (!configurationId) throw new AppError('config', 'No CRM is configured, so there is no Customer Card to show. Ask your admin.');
    const now = this.clock().toISOString();
    const interaction: Interaction = {
      id: randomUUID(),
      agentId,
      channel: 'voice',
      ani,
      state: options.ringing ? 'offered' : 'active',
      configurationId,
      matchState: 'pending',
      startedAt: now,
      endedAt: null,
      completedAt: null,
      disposition: null,
      notes: null,
      customerId: null,
    };
    await this.deps.db.transaction().execute(async (trx) => {
      // A card per new contact and per new channel: the caller's number names their customer (SPEC).
      interaction.customerId = (await customerFor(trx, { kind: 'phone', value: ani }, displayPhone(ani), now)).id;
      const routed = await moveAgentState(trx, agentId, 'Available', {
        state: 'Working',
        reasonCode: null,
        since: now,
        currentInteractionId: interaction.id,
      });
      if (!routed) {
        const agent = await findAgent(trx, agentId);
        throw conflict(
          agent?.state === 'Working' || agent?.state === 'ACW'
            ? 'You already have an interaction. Finish it (hangup, then Complete ACW) before taking another call.'
            : 'Calls are routed only to Available agents. Type "available" first.',
        );
      }
      await insertInteraction(trx, interaction);
    });

    const dip = await runDataDip(this.deps.engine, interaction);
    await this.deps.db.transaction().execute(async (trx) => {
      await putRecordLinks(trx, dip.links);
      await updateInteraction(trx, interaction.id, interaction.state, { matchState: dip.matchState });
    });
    for (const link of dip.links.filter((l) => l.linked)) await onLinked(this.deps, interaction, link);
    return this.done(interaction, dip.notice);
  }

  /** The current card of an interaction the agent owns. */
  async view(agentId: string, interactionId: string, notice?: Notice): Promise<CustomerCardView> {
    const found = await this.ownership.owned(agentId, interactionId);
    return this.draw(found.interaction, notice ?? found.lastNotice);
  }

  /**
   * The card an agent may read: their own, or, for a supervisor, anyone's (to be shown read-only); anyone
   * else is refused as for an id that does not exist.
   */
  async readableView(agentId: string, interactionId: string, asSupervisor: boolean): Promise<{ view: CustomerCardView; access: ReadAccess }> {
    const found = await this.ownership.readable(agentId, interactionId, asSupervisor);
    return { view: await this.draw(found.interaction, found.lastNotice), access: found.access };
  }

  /**
   * The current card of any interaction, for the app's own drawing of the card message in its owner's chat
   * (the CardPublisher). Never for a caller's request: those go through `view` or `readableView`.
   */
  async currentView(interactionId: string, notice?: Notice, duplicateQuery?: string): Promise<CustomerCardView> {
    const found = await findInteractionWithNotice(this.deps.db, interactionId);
    if (!found) throw notFound('That interaction does not exist.');
    return this.draw(found.interaction, notice ?? found.lastNotice, duplicateQuery);
  }

  private async draw(interaction: Interaction, notice: Notice | undefined, duplicateQuery?: string): Promise<CustomerCardView> {
    return drawCard(this.deps, interaction, { notice, duplicateQuery, now: this.clock() });
  }

  async isOwner(agentId: string, interactionId: string): Promise<boolean> {
    return (await findInteraction(this.deps.db, interactionId))?.agentId === agentId;
  }

  /** The Teams message showing this interaction's card, once posted. */
  async cardMessageId(interactionId: string): Promise<string | undefined> {
    return findCardActivityId(this.deps.db, interactionId);
  }

  async rememberCardMessage(interactionId: string, activityId: string): Promise<void> {
    await setCardActivityId(this.deps.db, interactionId, activityId);
  }

  /** The agent's open interaction, if any (for "hangup", "search", re-showing the card). */
  async openInteraction(agentId: string): Promise<Interaction | undefined> {
    return openInteractionOf(this.deps.db, agentId);
  }

  async search(agentId: string, text: string): Promise<SearchOutcome> {
    const plan = classifySearch(text, this.deps.defaultRegion);
    const open = await openInteractionOf(this.deps.db, agentId);
    const configurationId = open?.configurationId ?? this.deps.engine.defaultConfigurationId;
    if (!configurationId) throw new AppError('config', 'No CRM is configured. Ask your admin.');
    const found = await runAgentSearch(this.deps.engine, configurationId, plan);
    if (open && open.state !== 'completed') {
      await putRecordLinks(this.deps.db, found.records.map((r) => linkOf(r, { interactionId: open.id, linked: false, origin: 'search' })));
      return { card: await this.done(open, searchNotice(plan.query, found)) };
    }
    const mappings = this.deps.engine.configuration(configurationId)?.dynamicDataMappings ?? {};
    const timeZone = (await findAgent(this.deps.db, agentId))?.timeZone ?? null;
    if (configurationId === this.deps.engine.defaultConfigurationId) this.lookups.remember(agentId, found.records.map(refOf));
    return {
      results: {
        query: plan.query,
        notice: searchNotice(plan.query, found),
        records: found.records.map((r) => ({ ref: refOf(r), typeLabel: r.typeLabel ?? typeLabel(r.type), name: r.name, fields: displayFields(r, mappings, timeZone) })),
      },
    };
  }

  /** Search from the card's form: only into that card's interaction, which must still be the open one. */
  async searchOnCard(agentId: string, interactionId: string, text: string): Promise<CustomerCardView> {
    await this.ownership.ownedOpen(agentId, interactionId);
    const outcome = await this.search(agentId, text);
    if (!outcome.card || outcome.card.interaction.id !== interactionId) throw stale('This card is not your open interaction any more.');
    return outcome.card;
  }

  async link(agentId: string, interactionId: string, ref: RecordRef): Promise<CustomerCardView> {
    const interaction = await this.ownership.ownedOpen(agentId, interactionId);
    const link = await this.ownership.onCard(interaction, ref);
    if (link.linked) return this.view(agentId, interactionId, { kind: 'info', text: `${link.label} is already linked.` });
    await this.deps.db.transaction().execute(async (trx) => {
      await setLinked(trx, interactionId, ref, true);
      if (interaction.matchState !== 'single') await updateInteraction(trx, interactionId, interaction.state, { matchState: 'single' });
    });
    await onLinked(this.deps, interaction, link);
    return this.done(interaction, { kind: 'info', text: `Linked ${link.label}: it will get this interaction's activity and data.` });
  }

  async unlink(agentId: string, interactionId: string, ref: RecordRef): Promise<CustomerCardView> {
    const interaction = await this.ownership.ownedOpen(agentId, interactionId);
    const link = await this.ownership.onCard(interaction, ref);
    await setLinked(this.deps.db, interactionId, ref, false);
    return this.done(interaction, { kind: 'info', text: `Unlinked ${link.label}: nothing will be written to it for this interaction.` });
  }

  /** Creates a record with a standard create (contact, case) or the custom create, and links it. */
  async createRecord(
    agentId: string,
    interactionId: string,
    request:
      | { kind: 'contact' | 'case'; fields: Record<string, FieldValue | undefined> }
      | { kind: 'custom'; entity: string; fields: Record<string, FieldValue> },
  ): Promise<CustomerCardView> {
    const interaction = await this.ownership.ownedOpen(agentId, interactionId);
    let record: CrmRecord;
    if (request.kind === 'custom') {
      ({ record } = await runWorkflow(this.deps.engine, interaction.configurationId, { kind: 'create', variant: 'custom' }, { entity: request.entity, fields: request.fields }));
    } else {
      // Fields the agent left empty are not sent: the CRM keeps its defaults.
      const fields = Object.fromEntries(Object.entries(request.fields).filter(([, v]) => v !== undefined)) as Record<string, FieldValue>;
      if (request.kind === 'case') {
        // A case opened during a call belongs to the caller: the linked person, and their organization.
        const person = (await listRecordLinks(this.deps.db, interactionId)).find((l) => l.linked && l.role === 'person');
        if (person) {
          fields.contactId ??= person.recordId;
          const organization = person.canonical?.organization;
          if (organization) fields.accountId ??= organization.ref.id;
        }
      }
      ({ record } = await runWorkflow(this.deps.engine, interaction.configurationId, { kind: 'create', variant: 'standard', recordType: request.kind }, fields));
    }
    const created = linkOf(record, { interactionId, linked: true, origin: 'created' });
    await this.deps.db.transaction().execute(async (trx) => {
      await putRecordLinks(trx, [created]);
      await setLinked(trx, interactionId, record, true);
      if (interaction.matchState !== 'single') await updateInteraction(trx, interactionId, interaction.state, { matchState: 'single' });
    });
    await addHistory(this.deps, interaction, created);
    return this.done(interaction, { kind: 'info', text: `Created ${(record.typeLabel ?? typeLabel(record.type)).toLowerCase()} ${record.name} and linked it.` });
  }

  /**
   * Saves the agent's edit: only the fields they changed (compared with the card's snapshot) and only those
   * the CRM lets an update set (its description); nothing changed is said so, with no CRM call.
   */
  async updateRecord(agentId: string, interactionId: string, ref: RecordRef, submitted: Record<string, string>): Promise<CustomerCardView> {
    const interaction = await this.ownership.ownedOpen(agentId, interactionId);
    const link = await this.ownership.onCard(interaction, ref);
    const described = await describeRecordType(this.deps.engine, interaction.configurationId, { entity: ref.type });
    const { changed, readOnly } = changedFields(submitted, link, described?.description.fields);
    const skipped = readOnly.length ? ` ${readOnly.length} read-only field${readOnly.length === 1 ? ' was' : 's were'} left as the CRM has ${readOnly.length === 1 ? 'it' : 'them'}.` : '';
    if (Object.keys(changed).length === 0) return this.done(interaction, { kind: 'info', text: `Nothing changed in ${link.label}: nothing was sent to the CRM.${skipped}` });
    const { record } = await runWorkflow(this.deps.engine, interaction.configurationId, { kind: 'update' }, { entity: ref.type, id: ref.id, fields: changed });
    await putRecordLinks(this.deps.db, [refreshedLink(link, record)]);
    return this.done(interaction, { kind: 'info', text: `Saved ${record.name}.${skipped}` });
  }

  /** All fields of a record on the card, fresh from the CRM, with its activities newest first (see recordDetails). */
  async details(agentId: string, interactionId: string, ref: RecordRef): Promise<RecordDetails> {
    const { interaction } = await this.ownership.owned(agentId, interactionId);
    const link = await this.ownership.onCard(interaction, ref);
    return recordDetails(this.deps, detailsSubjectOf(interaction), link);
  }

  /** Details of a record the agent's last search outside a call found, read only (see lookupDetails). */
  async lookupDetails(agentId: string, ref: RecordRef): Promise<RecordDetails> {
    return lookupDetails(this.deps, this.lookups, agentId, ref);
  }

  /** The call ends: the interaction enters After Call Work and the card shows the ACW form. */
  async hangup(agentId: string): Promise<CustomerCardView> {
    const open = await openInteractionOf(this.deps.db, agentId);
    if (!open) throw notFound('You have no call to hang up. Type "call <number>" to simulate one.');
    if (open.state === 'offered') throw conflict('Your call is still ringing: answer it in your contact center first.');
    if (open.state !== 'active') {
      throw conflict(`Your interaction is ${describeState(open.state)}. Complete After Call Work on its card.`);
    }
    const now = this.clock().toISOString();
    await this.deps.db.transaction().execute(async (trx) => {
      const moved = await updateInteraction(trx, open.id, 'active', { state: 'acw', endedAt: now });
      if (!moved) throw stale('This call has already ended.');
      await moveAgentState(trx, agentId, 'Working', { state: 'ACW', reasonCode: null, since: now, currentInteractionId: open.id });
    });
    return this.done(open, { kind: 'info', text: 'The call ended. Choose a disposition, add notes, then Complete ACW.' });
  }

  /**
   * Completes After Call Work. The state change and the timeline/memorialization jobs commit together, so
   * the CRM writes are never lost; a second click finds the interaction completed and changes nothing.
   */
  async completeAcw(agentId: string, interactionId: string, input: { disposition: string; notes: string }): Promise<CustomerCardView> {
    const { interaction } = await this.ownership.owned(agentId, interactionId);
    if (interaction.state === 'completed') throw stale('After Call Work is already complete for this interaction; nothing was sent twice.');
    if (interaction.state === 'offered') throw conflict('The call is still ringing: there is no After Call Work until it is answered and ended.');
    if (interaction.state !== 'acw') throw conflict('The call is still in progress. Type "hangup" to end it first.');
    const disposition = this.deps.dispositions.find((d) => d.toLowerCase() === input.disposition.trim().toLowerCase());
    if (!disposition) throw invalidInput(`Choose a disposition: ${this.deps.dispositions.join(', ')}.`);
    if (input.notes.length > MAX_NOTES) throw invalidInput(`Notes are limited to ${MAX_NOTES} characters (these have ${input.notes.length}).`);
    const agent = await findAgent(this.deps.db, agentId);
    const configuration = this.deps.engine.configuration(interaction.configurationId);
    const now = this.clock();
    let queued = 0;
    let linkedCount = 0;
    await this.deps.db.transaction().execute(async (trx) => {
      const notes = input.notes.trim() || null;
      const moved = await updateInteraction(trx, interactionId, 'acw', { state: 'completed', completedAt: now.toISOString(), disposition, notes });
      if (!moved) throw stale('After Call Work is already complete for this interaction; nothing was sent twice.');
      const links = await listRecordLinks(trx, interactionId);
      linkedCount = links.filter((l) => l.linked).length;
      if (configuration) {
        const done: Interaction = { ...interaction, state: 'completed', disposition, notes, completedAt: now.toISOString() };
        queued = await enqueueJobs(trx, acwJobsFor(done, { id: agentId, name: agent?.name ?? agentId }, links, configuration, now), now.toISOString());
      }
      await moveAgentState(trx, agentId, 'ACW', { state: 'Available', reasonCode: null, since: now.toISOString(), currentInteractionId: null });
      await this.deps.recordAcwCompleted?.(trx, { ...interaction, state: 'completed', disposition, notes, completedAt: now.toISOString() }, now.toISOString());
    });
    if (queued > 0) this.deps.onJobsQueued();
    this.deps.logger.info({ interactionId, agentId, queued }, 'ACW completed');
    const text =
      linkedCount === 0
        ? 'After Call Work complete. No record was linked, so nothing was written to the CRM. You are Available.'
        : `After Call Work complete: the activity and data go to ${linkedCount} linked record${linkedCount === 1 ? '' : 's'} (see "Saved to the CRM" on this card). You are Available.`;
    return this.done(interaction, { kind: 'info', text });
  }

  /**
   * Looks for other cards of this interaction's customer (by name, phone or email, or the agent's text) and
   * shows them in the merge dialog.
   */
  async findDuplicates(agentId: string, interactionId: string, text: string): Promise<CustomerCardView> {
    const interaction = await this.ownership.ownedOpen(agentId, interactionId);
    const query = text.trim().slice(0, 100);
    return this.draw(interaction, { kind: 'info', text: `Cards that may be the same person as "${query}" are listed under Merge.` }, query);
  }

  /**
   * Merges another customer's card into this interaction's customer: their identifiers, interactions and
   * everything linked to those interactions now belong to one person. Nothing is deleted from the CRM.
   * Only a card nobody else is handling may be taken (see Ownership.mergeableCustomer); the check and the
   * move are one transaction.
   */
  async mergeCustomer(agentId: string, interactionId: string, otherCustomerId: string): Promise<CustomerCardView> {
    const interaction = await this.ownership.ownedOpen(agentId, interactionId);
    return this.done(interaction, await mergeIntoCustomerOf(this.deps, this.ownership, interaction, otherCustomerId));
  }


  /**
   * After a committed change: keep its outcome on the card, draw the card, and hand it to whoever shows the
   * card too (the chat message, the tab), so it is drawn once. If another change of the same interaction
   * was raised while it was drawn (an ACW write finishing, a late workflow outcome), the card may be missing
   * it: they are told to draw it afresh instead.
   */
  private async done(interaction: Pick<Interaction, 'id' | 'agentId'>, notice: Notice): Promise<CustomerCardView> {
    const { events } = this.deps;
    const mark = events.mark();
    let view: CustomerCardView | undefined;
    try {
      await setLastNotice(this.deps.db, interaction.id, notice);
      view = await this.view(interaction.agentId, interaction.id);
      return view;
    } finally {
      events.cardChanged(interaction.id, interaction.agentId, events.changedSince(interaction.id, mark) ? undefined : view);
    }
  }

  /** Keeps the outcome of an action that finished after its click was answered, and shows it on the card. */
  async noteOutcome(interactionId: string, notice: Notice): Promise<void> {
    const interaction = await findInteraction(this.deps.db, interactionId);
    if (!interaction) return;
    await setLastNotice(this.deps.db, interactionId, notice);
    this.deps.events.cardChanged(interactionId, interaction.agentId);
  }

}
