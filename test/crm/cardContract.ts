import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentService } from '../../src/agents/agentService.js';
import { customerCard } from '../../src/cards/customerCard.js';
import type { CrmConnector } from '../../src/crm/port.js';
import type { CrmRecord } from '../../src/domain/crmRecord.js';
import { InteractionEvents } from '../../src/interactions/interactionEvents.js';
import { createInteractionServices, type InteractionServices } from '../../src/interactions/interactionServices.js';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { JobWorker } from '../../src/jobs/worker.js';
import { listRecordLinks } from '../../src/store/interactionRecordsRepository.js';
import { parseCrmConfigurations, type CrmConfiguration } from '../../src/workflows/configuration.js';
import { WorkflowEngine } from '../../src/workflows/engine.js';
import { runIdentityDip } from '../../src/interactions/dataDipScript.js';
import type { Interaction } from '../../src/domain/interaction.js';
import { ThreadOutcomes } from '../../src/digital/threadOutcomes.js';
import { actionsOf, cardText } from '../support/botHarness.js';
import { seedThread } from '../digital/fixtures.js';
import { TableRouter } from '../digital/tableRouter.js';
import type { TestStore } from '../support/stores.js';
import type { ConnectorContractSetup } from './connectorContract.js';

/**
 * The Customer Card's contract on one CRM, through the services (no Teams): what issue 11 found broken on
 * every CRM but the embedded one. Runnable on any connector setup:
 *
 * - `store`: the product's own database (interactions, jobs); any backend of test/support/stores.ts.
 * - `connector`, `seed`, `names`: as for describeConnectorContract (seed writes through the port's create,
 *   in the CRM's own names).
 * - `configuration`: a CRM configuration of that connector with these workflows enabled: Search for ANI,
 *   Custom Search, Create Case (standard), Update, Timeline, Data Memorialization; any mappings.
 *
 * Behaviours: the data dip puts the person first; a linked person offers New case; the case it creates is
 * attached to the person and their organization; Details keeps the organization's name; the activity ACW
 * writes is dated by the interaction and shows its date and description on Details; a digital conversation's
 * timeline activity (fired by Closed) carries its transcript's summary.
 */
export interface CardContractSetup extends Omit<ConnectorContractSetup, 'refuseSearchOf'> {
  store: TestStore;
  configuration: CrmConfiguration;
}

const opts = { signal: new AbortController().signal };

/**
 * A configuration with the workflows the card contract runs, for a connector the test builds itself (the
 * engine is handed that connector, so the configuration's own connector block is not used).
 */
export function cardConfiguration(id: string, memorializationMappings: Array<{ source: string; target: string; recordTypes?: string[] }> = []): CrmConfiguration {
  return parseCrmConfigurations(
    JSON.stringify({
      configurations: [
        {
          id,
          name: `${id} (card contract)`,
          connector: { type: 'embedded' },
          workflows: [
            { id: 'search-ani', name: 'Search for ANI', kind: 'search', variant: 'ani' },
            { id: 'custom-search', name: 'Custom Search', kind: 'search', variant: 'custom' },
            { id: 'create-case', name: 'Create Case', kind: 'create', variant: 'standard', recordType: 'case' },
            { id: 'update-record', name: 'Update Record', kind: 'update' },
            { id: 'timeline', name: 'Timeline', kind: 'timeline', subject: 'Inbound call' },
            { id: 'memorialize', name: 'Data Memorialization', kind: 'memorialization' },
          ],
          memorializationMappings,
        },
      ],
    }),
    'card contract',
  ).configurations[0]!;
}

export function describeCardContract(name: string, setup: () => Promise<CardContractSetup>): void {
  describe(`Customer Card contract: ${name}`, () => {
    let crm: CardContractSetup;
    let services: InteractionServices;
    let threads: ThreadOutcomes;
    let agents: AgentService;
    let worker: JobWorker;
    const digits = `206555${String(1000 + Math.floor(Math.random() * 8999)).slice(0, 4)}`;
    const m = `cc${Date.now().toString(36)}`;
    let account: CrmRecord;
    let person: CrmRecord;
    let engine: WorkflowEngine;

    beforeAll(async () => {
      crm = await setup();
      const logger = pino({ level: 'silent' });
      const connector: CrmConnector = crm.connector;
      engine = new WorkflowEngine({
        configurations: { integrationsEnabled: true, defaultConfigurationId: crm.configuration.id, configurations: [crm.configuration] },
        connectorFor: () => connector,
        logger,
        defaultRegion: 'US',
      });
      const events = new InteractionEvents(() => undefined);
      const unit = new UnitOfWork(crm.store.db);
      agents = new AgentService({ unit, reasonCodes: ['Lunch'], supervisorIds: [], clock: () => new Date() });
      services = createInteractionServices({ unit, engine, logger, defaultRegion: 'US', dispositions: ['Resolved'], onJobsQueued: () => undefined, events });
      worker = new JobWorker({ db: crm.store.db, engine, logger, pollMs: 60_000 });
      threads = new ThreadOutcomes({ unit, engine, router: new TableRouter(crm.store.db, []), cards: services.cards, events, onJobsQueued: () => undefined, logger });
      // The organization shares the caller's number, so the data dip finds two records: the person comes first.
      account = await crm.seed('account', { name: `Card Org ${m}`, phone: `+1${digits}` });
      person = await crm.seed('contact', { firstName: 'Cara', lastName: `Card${m}`, mobilePhone: `+1${digits}`, accountId: account.id });
    });
    afterAll(async () => {
      await worker?.stop();
      await crm?.dispose();
    });

    it("finds a conversation's end user by email through Search for ANI's email variant, and links the one match", async () => {
      const email = `chat.${m}@example.com`;
      const writer = await crm.seed('contact', { firstName: 'Chad', lastName: `Chat${m}`, email });
      const chat: Interaction = {
        id: '00000000-0000-4000-8000-000000000001',
        agentId: '',
        channel: 'chat',
        ani: email,
        state: 'active',
        configurationId: crm.configuration.id,
        matchState: 'pending',
        startedAt: new Date().toISOString(),
        endedAt: null,
        completedAt: null,
        disposition: null,
        notes: null,
        customerId: null,
      };
      const dip = await runIdentityDip(engine, chat, { email: email.toUpperCase() }, 'conversation');
      expect(dip.matchState).toBe('single');
      expect(dip.links.filter((l) => l.linked).map((l) => [l.recordId, l.role])).toEqual([[writer.id, 'person']]);
      expect(dip.notice.text).toMatch(/linked to this conversation/);
    });

    it('runs a call end to end: person first, New case attached to person and organization, Details keeps the organization, timeline dated by the call', async () => {
      await agents.identify('agent-card', 'Casey Agent');
      await agents.setAvailable('agent-card');
      const offered = await services.calls.offerCall('agent-card', `+1${digits}`);
      const interactionId = offered.interaction.id;
      // Contact-first ordering: the person before the organization among the matches.
      const matches = offered.related.filter((r) => r.origin === 'ani' && r.role !== 'case');
      expect(matches.map((r) => r.ref.id).slice(0, 2)).toEqual([person.id, account.id]);
      expect(matches[0]!.role).toBe('person');
      expect(matches[0]!.matchedOn).toMatch(/\d/);

      const linked = await services.records.link('agent-card', interactionId, { type: person.type, id: person.id });
      const card = customerCard(linked);
      const newCase = actionsOf(card).filter((a) => a.title === 'Create case');
      expect(newCase, 'New case on the linked person').toHaveLength(1);
      expect(cardText(card)).toContain(`Card${m}`);

      const afterCase = await services.records.createRecord('agent-card', interactionId, { kind: 'case', fields: { subject: `Card case ${m}`, description: 'Created on the card' } });
      const createdCase = afterCase.current.find((r) => r.role === 'case')!;
      expect(createdCase).toBeDefined();
      const kase = (await crm.connector.get(createdCase.ref, opts))!;
      expect(kase.canonical.person?.ref.id).toBe(person.id);
      expect(kase.canonical.organization?.ref.id).toBe(account.id);

      const details = await services.cards.details('agent-card', interactionId, { type: person.type, id: person.id });
      expect(details.fields.map((f) => f.value)).toContain(`Card Org ${m}`);
      const kept = (await listRecordLinks(crm.store.db, interactionId)).find((l) => l.recordId === person.id)!;
      expect(kept.canonical?.organization?.name).toBe(`Card Org ${m}`);
      expect(cardText(customerCard(await services.cards.view('agent-card', interactionId)))).toContain(`Card${m}`);

      await services.calls.hangup('agent-card');
      await services.calls.completeAcw('agent-card', interactionId, { disposition: 'Resolved', notes: `Notes ${m}` });
      await worker.drain();
      const activities = await crm.connector.listActivities({ type: person.type, id: person.id }, { ...opts, limit: 5 });
      expect(activities).toHaveLength(1);
      expect(activities[0]!.canonical.activityDate?.slice(0, 10)).toBe(offered.interaction.startedAt.slice(0, 10));
      const after = await services.cards.details('agent-card', interactionId, { type: person.type, id: person.id });
      expect(after.activities).toHaveLength(1);
      expect(after.activities[0]!.when).toMatch(/\d{4}/);
      expect(after.activities[0]!.description).toContain(`Notes ${m}`);
    });

    it("a digital conversation's Closed writes one timeline activity carrying the transcript's summary", async () => {
      await agents.identify('agent-digital', 'Dana Digital');
      const { interactionId } = await seedThread(crm.store.db, {
        agentId: 'agent-digital',
        configurationId: crm.configuration.id,
        linked: [{ type: person.type, id: person.id, label: person.name }],
        messages: [
          { direction: 'inbound', text: `Hello, my order ${m} is late`, at: '2026-03-04T10:00:00.000Z', author: 'Peter Solo' },
          { direction: 'outbound', text: 'Let me check that for you.', at: '2026-03-04T10:01:00.000Z', author: 'Dana Digital' },
          { direction: 'inbound', text: `Thanks, bye ${m}`, at: '2026-03-04T10:03:05.000Z', author: 'Peter Solo' },
        ],
      });
      await threads.saveOutcome('agent-digital', interactionId, { status: 'Closed', tags: 'Delivery', notes: `Chat notes ${m}` });
      await expect(threads.saveOutcome('agent-digital', interactionId, { status: 'Closed', tags: '', notes: '' })).rejects.toThrow(/already Closed; nothing was sent twice/);
      await worker.drain();
      const activities = await crm.connector.listActivities({ type: person.type, id: person.id }, { ...opts, limit: 10 });
      const chat = activities.filter((a) => a.canonical.description?.includes(`Chat notes ${m}`));
      expect(chat, 'one activity for the conversation').toHaveLength(1);
      const description = chat[0]!.canonical.description!;
      expect(description).toContain('Transcript: 2 messages in, 1 out, over 3 min 5 s');
      expect(description).toContain(`First message (Peter Solo, 2026-03-04T10:00:00.000Z): Hello, my order ${m} is late`);
      expect(description).toContain(`Last message (Peter Solo, 2026-03-04T10:03:05.000Z): Thanks, bye ${m}`);
      expect(description).toContain('Status: Closed · Tags: Delivery');
    });
  });
}
