import { refOf, type CrmRecord, type FieldValue, type RecordRef } from '../domain/crmRecord.js';
import { displayFields, type CustomerCardView, type FieldView, type Notice, typeLabel } from '../domain/customerCard.js';
import { AppError, stale } from '../domain/errors.js';
import { linkOf, refreshedLink } from '../domain/interaction.js';
import { changedFields } from '../domain/recordEdit.js';
import { runWorkflow } from '../workflows/invoke.js';
import { runAgentSearch, searchNotice } from './agentSearch.js';
import { addHistory, onLinked } from './recordHistory.js';
import { describeRecordType } from './recordTypes.js';
import { classifySearch } from './searchPlan.js';
import type { ServiceContext } from './serviceContext.js';

export interface SearchOutcome {
  /** The card of the agent's open interaction, with the results under Related Interactions. */
  card?: CustomerCardView;
  /** With no open interaction: the results alone. */
  results?: { query: string; notice: Notice; records: Array<{ ref: RecordRef; typeLabel: string; name: string; fields: FieldView[] }> };
}

/** A standard create (contact, case) or the custom create, as the card's forms send it. */
export type CreateRequest = { kind: 'contact' | 'case'; fields: Record<string, FieldValue | undefined> } | { kind: 'custom'; entity: string; fields: Record<string, FieldValue> };

/**
 * The CRM records on a card: search for them, link and unlink them, create and edit them. Every change is to
 * an open interaction the caller owns (Ownership), of a record on its card.
 */
export class CardRecords {
  constructor(private readonly context: ServiceContext) {}

  async search(agentId: string, text: string): Promise<SearchOutcome> {
    const { engine, repos } = this.context;
    const plan = classifySearch(text, this.context.defaultRegion);
    const open = await repos.interactions.openOf(agentId);
    const configurationId = open?.configurationId ?? engine.defaultConfigurationId;
    if (!configurationId) throw new AppError('config', 'No CRM is configured. Ask your admin.');
    const found = await runAgentSearch(engine, configurationId, plan);
    if (open && open.state !== 'completed') {
      await repos.interactions.putLinks(found.records.map((r) => linkOf(r, { interactionId: open.id, linked: false, origin: 'search' })));
      return { card: await this.context.changes.done(open, searchNotice(plan.query, found)) };
    }
    const mappings = engine.configuration(configurationId)?.dynamicDataMappings ?? {};
    const timeZone = (await repos.agents.find(agentId))?.timeZone ?? null;
    if (configurationId === engine.defaultConfigurationId) this.context.lookups.remember(agentId, found.records.map(refOf));
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
    await this.context.ownership.ownedOpen(agentId, interactionId);
    const outcome = await this.search(agentId, text);
    if (!outcome.card || outcome.card.interaction.id !== interactionId) throw stale('This card is not your open interaction any more.');
    return outcome.card;
  }

  async link(agentId: string, interactionId: string, ref: RecordRef): Promise<CustomerCardView> {
    const { ownership, changes } = this.context;
    const interaction = await ownership.ownedOpen(agentId, interactionId);
    const link = await ownership.onCard(interaction, ref);
    // Nothing changes: the card just read is drawn with the answer, nothing is kept or told.
    if (link.linked) return this.context.draw(interaction, { kind: 'info', text: `${link.label} is already linked.` });
    await this.context.unit.run(async (repos) => {
      await repos.interactions.setLinked(interactionId, ref, true);
      if (interaction.matchState !== 'single') await repos.interactions.update(interactionId, interaction.state, { matchState: 'single' });
    });
    await onLinked(this.context, interaction, link);
    return changes.done(interaction, { kind: 'info', text: `Linked ${link.label}: it will get this interaction's activity and data.` });
  }

  async unlink(agentId: string, interactionId: string, ref: RecordRef): Promise<CustomerCardView> {
    const interaction = await this.context.ownership.ownedOpen(agentId, interactionId);
    const link = await this.context.ownership.onCard(interaction, ref);
    await this.context.repos.interactions.setLinked(interactionId, ref, false);
    return this.context.changes.done(interaction, { kind: 'info', text: `Unlinked ${link.label}: nothing will be written to it for this interaction.` });
  }

  /** Creates a record with a standard create (contact, case) or the custom create, and links it. */
  async createRecord(agentId: string, interactionId: string, request: CreateRequest): Promise<CustomerCardView> {
    const { engine } = this.context;
    const interaction = await this.context.ownership.ownedOpen(agentId, interactionId);
    let record: CrmRecord;
    if (request.kind === 'custom') {
      ({ record } = await runWorkflow(engine, interaction.configurationId, { kind: 'create', variant: 'custom' }, { entity: request.entity, fields: request.fields }));
    } else {
      // Fields the agent left empty are not sent: the CRM keeps its defaults.
      const fields = Object.fromEntries(Object.entries(request.fields).filter(([, v]) => v !== undefined)) as Record<string, FieldValue>;
      if (request.kind === 'case') {
        // A case opened during a call belongs to the caller: the linked person, and their organization.
        const person = (await this.context.repos.interactions.listLinks(interactionId)).find((l) => l.linked && l.role === 'person');
        if (person) {
          fields.contactId ??= person.recordId;
          const organization = person.canonical?.organization;
          if (organization) fields.accountId ??= organization.ref.id;
        }
      }
      ({ record } = await runWorkflow(engine, interaction.configurationId, { kind: 'create', variant: 'standard', recordType: request.kind }, fields));
    }
    const created = linkOf(record, { interactionId, linked: true, origin: 'created' });
    await this.context.unit.run(async (repos) => {
      await repos.interactions.putLinks([created]);
      await repos.interactions.setLinked(interactionId, record, true);
      if (interaction.matchState !== 'single') await repos.interactions.update(interactionId, interaction.state, { matchState: 'single' });
    });
    await addHistory(this.context, interaction, created);
    return this.context.changes.done(interaction, { kind: 'info', text: `Created ${(record.typeLabel ?? typeLabel(record.type)).toLowerCase()} ${record.name} and linked it.` });
  }

  /**
   * Saves the agent's edit: only the fields they changed (compared with the card's snapshot) and only those
   * the CRM lets an update set (its description); nothing changed is said so, with no CRM call.
   */
  async updateRecord(agentId: string, interactionId: string, ref: RecordRef, submitted: Record<string, string>): Promise<CustomerCardView> {
    const { engine, changes } = this.context;
    const interaction = await this.context.ownership.ownedOpen(agentId, interactionId);
    const link = await this.context.ownership.onCard(interaction, ref);
    const described = await describeRecordType(engine, interaction.configurationId, { entity: ref.type });
    const { changed, readOnly } = changedFields(submitted, link, described?.description.fields);
    const skipped = readOnly.length ? ` ${readOnly.length} read-only field${readOnly.length === 1 ? ' was' : 's were'} left as the CRM has ${readOnly.length === 1 ? 'it' : 'them'}.` : '';
    if (Object.keys(changed).length === 0) return changes.done(interaction, { kind: 'info', text: `Nothing changed in ${link.label}: nothing was sent to the CRM.${skipped}` });
    const { record } = await runWorkflow(engine, interaction.configurationId, { kind: 'update' }, { entity: ref.type, id: ref.id, fields: changed });
    await this.context.repos.interactions.putLinks([refreshedLink(link, record)]);
    return changes.done(interaction, { kind: 'info', text: `Saved ${record.name}.${skipped}` });
  }
}
