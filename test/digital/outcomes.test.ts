import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { ThreadOutcomes } from '../../src/digital/threadOutcomes.js';
import { AppError } from '../../src/domain/errors.js';
import type { CardChange } from '../../src/interactions/interactionEvents.js';
import { NOT_YOURS } from '../../src/interactions/ownership.js';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { buildServices } from '../support/services.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { seedThread, type SeededThread } from './fixtures.js';
import { TableRouter } from './tableRouter.js';

async function refusalOf(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const LONG_FIRST = `Hello, can you help me, please? ${'My parcel never arrived and the tracking page says nothing. '.repeat(6)}`;

describe.each(STORE_BACKENDS)('digital thread outcomes and the digital trigger ($name)', (backend) => {
  let store: TestStore;
  let services: Awaited<ReturnType<typeof buildServices>>;
  let router: TableRouter;
  let outcomes: ThreadOutcomes;
  let woken: number;
  let changes: CardChange[];
  let thread: SeededThread;

  beforeEach(async () => {
    store = await backend.open();
    services = await buildServices(store);
    for (const [id, name] of [
      ['ana', 'Ana Agent'],
      ['bob', 'Bob Agent'],
    ] as const) {
      await services.agents.identify(id, name);
      await services.agents.setAvailable(id);
    }
    router = new TableRouter(store.db, [{ agentId: 'bob', skills: ['Billing'] }]);
    woken = 0;
    changes = [];
    services.events.onCardChanged((change) => void changes.push(change));
    outcomes = new ThreadOutcomes({
      unit: new UnitOfWork(store.db),
      engine: services.engine,
      router,
      cards: services.cards,
      events: services.events,
      onJobsQueued: () => void woken++,
      logger: services.logger,
    });
    thread = await seedThread(store.db, {
      agentId: 'ana',
      configurationId: 'demo',
      skill: 'Chat',
      cardActivityId: 'teams-message-1',
      linked: [
        { type: 'contact', id: DEMO.maria.id, label: 'Maria Garcia' },
        { type: 'account', id: DEMO.contoso.id, label: 'Contoso' },
      ],
      messages: [
        { direction: 'inbound', text: LONG_FIRST, at: '2026-12-06T10:00:00.000Z' },
        { direction: 'outbound', text: 'Of course, let me look.', at: '2026-12-06T10:01:00.000Z', author: 'Ana Agent' },
        { direction: 'inbound', text: 'Thanks!', at: '2026-12-06T10:02:00.000Z' },
        { direction: 'outbound', text: 'It ships today. Anything else?', at: '2026-12-06T10:04:30.000Z', author: 'Ana Agent' },
      ],
    });
  });
  afterEach(async () => {
    await store.dispose();
  });

  const jobs = () => store.db.selectFrom('jobs').select(['kind', 'record_id', 'payload', 'agent_id']).where('subject', '=', thread.interactionId).orderBy('id').execute();
  const threadRow = () => store.db.selectFrom('digital_threads').selectAll().where('id', '=', thread.threadId).executeTakeFirstOrThrow();
  const interactionRow = () => store.db.selectFrom('interactions').selectAll().where('id', '=', thread.interactionId).executeTakeFirstOrThrow();
  const perRecord = (rows: Array<{ kind: string; record_id: string | null }>) => rows.map((j) => `${j.kind}:${j.record_id}`).sort();
  const ONE_SET = [`memorialization:${DEMO.contoso.id}`, `memorialization:${DEMO.maria.id}`, `timeline:${DEMO.contoso.id}`, `timeline:${DEMO.maria.id}`];

  it('Closed queues one timeline and one memorialization per linked record and completes the interaction; Closed again sends nothing', async () => {
    const view = await outcomes.saveOutcome('ana', thread.interactionId, { status: 'Closed', tags: 'Delivery, VIP', notes: 'Parcel re-sent.' });
    expect(perRecord(await jobs())).toEqual(ONE_SET);
    expect(woken).toBe(1);
    const interaction = await interactionRow();
    expect(interaction.state).toBe('completed');
    expect(interaction.completed_at).not.toBeNull();
    expect(interaction.ended_at).not.toBeNull();
    expect(interaction.notes).toBe('Parcel re-sent.');
    expect(await threadRow()).toMatchObject({ status: 'Closed', trigger: 'closed', tags: JSON.stringify(['Delivery', 'VIP']) });
    expect(view.crmWrites).toHaveLength(4);

    const again = await refusalOf(outcomes.saveOutcome('ana', thread.interactionId, { status: 'Closed', tags: '', notes: '' }));
    expect(again.message).toContain('already Closed; nothing was sent twice');
    const reopen = await refusalOf(outcomes.saveOutcome('ana', thread.interactionId, { status: 'Open', tags: '', notes: '' }));
    expect(reopen.code).toBe('conflict');
    expect(perRecord(await jobs())).toEqual(ONE_SET);
    expect(woken).toBe(1);
  });

  it('a status other than Closed saves status, tags and notes and fires nothing', async () => {
    await outcomes.saveOutcome('ana', thread.interactionId, { status: 'Pending', tags: ' VIP, vip ,billing,,Billing ', notes: '  Waiting for the carrier. ' });
    expect(await threadRow()).toMatchObject({ status: 'Pending', triggered_at: null, tags: JSON.stringify(['VIP', 'billing']) });
    expect((await interactionRow()).notes).toBe('Waiting for the carrier.');
    expect((await interactionRow()).state).toBe('active');
    expect(await jobs()).toHaveLength(0);
  });

  it('the timeline payload carries the transcript summary: first and last messages cut short, counts, duration', async () => {
    await outcomes.saveOutcome('ana', thread.interactionId, { status: 'Closed', tags: 'VIP', notes: '' });
    const timeline = (await jobs()).find((j) => j.kind === 'timeline' && j.record_id === DEMO.maria.id)!;
    const { transcript } = (JSON.parse(timeline.payload) as { workflowInput: { interaction: { transcript: Record<string, unknown> } } }).workflowInput.interaction;
    expect(transcript).toMatchObject({
      inbound: 2,
      outbound: 2,
      durationSeconds: 270,
      status: 'Closed',
      tags: ['VIP'],
      first: { author: 'Peter Solo', at: '2026-12-06T10:00:00.000Z' },
      last: { author: 'Ana Agent', text: 'It ships today. Anything else?', at: '2026-12-06T10:04:30.000Z' },
    });
    const firstText = (transcript.first as { text: string }).text;
    expect(firstText.length).toBeLessThanOrEqual(200);
    expect(LONG_FIRST.length).toBeGreaterThan(200);
    expect(firstText.startsWith('Hello, can you help me, please?')).toBe(true);
  });

  it('transfer fires the trigger; a later Closed by the new agent queues nothing more; the old card message gets its last update', async () => {
    const view = await outcomes.transfer('ana', thread.interactionId, 'skill:Billing');
    expect(view.notice?.text).toContain('Transferred to Billing');
    expect(router.calls).toContainEqual({ op: 'route', threadId: thread.threadId, skill: 'Billing', excludeAgentId: 'ana' });
    expect(perRecord(await jobs())).toEqual(ONE_SET);
    expect(await threadRow()).toMatchObject({ trigger: 'transfer', assignment: 'assigned', skill: 'Billing' });
    const interaction = await interactionRow();
    expect(interaction).toMatchObject({ agent_id: 'bob', state: 'active', card_activity_id: null });
    const retired = changes.find((c) => c.retiredMessageId);
    expect(retired).toMatchObject({ interactionId: thread.interactionId, agentId: 'ana', retiredMessageId: 'teams-message-1' });
    // The new agent's card shows what was written, though the conversation is still open.
    expect((await services.cards.view('bob', thread.interactionId)).crmWrites).toHaveLength(4);
    // Ana has let it go: she changes nothing any more, told as for an id that does not exist.
    expect((await refusalOf(outcomes.saveOutcome('ana', thread.interactionId, { status: 'Open', tags: '', notes: '' }))).message).toBe(NOT_YOURS);

    await outcomes.saveOutcome('bob', thread.interactionId, { status: 'Closed', tags: '', notes: 'Done by Bob.' });
    expect(perRecord(await jobs())).toEqual(ONE_SET);
    expect((await jobs()).every((j) => j.agent_id === 'ana')).toBe(true);
    expect(await threadRow()).toMatchObject({ trigger: 'transfer', status: 'Closed' });
  });

  it('racing triggers (Closed, unassign, dismiss, transfer at once) make one set of jobs', async () => {
    const results = await Promise.allSettled([
      outcomes.saveOutcome('ana', thread.interactionId, { status: 'Closed', tags: '', notes: '' }),
      outcomes.unassign('ana', thread.interactionId),
      outcomes.dismiss('ana', thread.interactionId),
      outcomes.transfer('ana', thread.interactionId, 'agent:bob'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(AppError);
    expect(perRecord(await jobs())).toEqual(ONE_SET);
    expect((await threadRow()).triggered_at).not.toBeNull();
  });

  it('only the assigned agent changes it: another agent is refused exactly as for an id that does not exist', async () => {
    const others = await refusalOf(outcomes.saveOutcome('bob', thread.interactionId, { status: 'Closed', tags: '', notes: '' }));
    const missing = await refusalOf(outcomes.saveOutcome('bob', randomUUID(), { status: 'Closed', tags: '', notes: '' }));
    expect({ code: others.code, message: others.message }).toEqual({ code: missing.code, message: missing.message });
    expect(others.message).toBe(NOT_YOURS);
    for (const work of [
      () => outcomes.transfer('bob', thread.interactionId, 'skill:Billing'),
      () => outcomes.unassign('bob', thread.interactionId),
      () => outcomes.dismiss('bob', thread.interactionId),
    ]) {
      expect((await refusalOf(work())).message).toBe(NOT_YOURS);
    }
    expect(await threadRow()).toMatchObject({ status: 'New', assignment: 'assigned', triggered_at: null });
    expect(await jobs()).toHaveLength(0);
  });

  it('tags and notes are validated, each error naming its field', async () => {
    const long = await refusalOf(outcomes.saveOutcome('ana', thread.interactionId, { status: 'Open', tags: `ok, ${'x'.repeat(31)}`, notes: '' }));
    expect(long.code).toBe('invalid_input');
    expect(long.message).toContain('threadTags');
    expect(long.message).not.toContain('x'.repeat(31));
    const many = await refusalOf(outcomes.saveOutcome('ana', thread.interactionId, { status: 'Open', tags: Array.from({ length: 21 }, (_, i) => `t${i}`).join(','), notes: '' }));
    expect(many.message).toContain('threadTags');
    const notes = await refusalOf(outcomes.saveOutcome('ana', thread.interactionId, { status: 'Open', tags: '', notes: 'n'.repeat(4001) }));
    expect(notes.message).toContain('threadNotes');
    expect(await threadRow()).toMatchObject({ status: 'New', tags: '[]' });
  });

  it('transfer to a skill with nobody free leaves it queued, and the card says so', async () => {
    const view = await outcomes.transfer('ana', thread.interactionId, 'skill:Spanish');
    expect(view.notice?.text).toContain('waits in the queue');
    expect(await threadRow()).toMatchObject({ assignment: 'queued', skill: 'Spanish', trigger: 'transfer' });
    expect(await interactionRow()).toMatchObject({ agent_id: '', state: 'active' });
    expect(perRecord(await jobs())).toEqual(ONE_SET);
  });

  it('unassign routes to someone else; dismiss leaves it with nobody', async () => {
    router.free = [{ agentId: 'ana' }, { agentId: 'bob' }];
    await outcomes.unassign('ana', thread.interactionId);
    expect(await interactionRow()).toMatchObject({ agent_id: 'bob' });
    expect(await threadRow()).toMatchObject({ trigger: 'unassign', assignment: 'assigned' });

    await outcomes.dismiss('bob', thread.interactionId);
    expect(await threadRow()).toMatchObject({ trigger: 'unassign', assignment: 'dismissed' });
    expect(await interactionRow()).toMatchObject({ agent_id: '', state: 'active' });
    expect(perRecord(await jobs())).toEqual(ONE_SET);
  });

  it('a transfer to oneself or to nobody known is refused naming transferTo, and changes nothing', async () => {
    expect((await refusalOf(outcomes.transfer('ana', thread.interactionId, 'agent:ana'))).message).toContain('transferTo');
    expect((await refusalOf(outcomes.transfer('ana', thread.interactionId, 'agent:nobody-here'))).message).toContain('transferTo');
    expect(await threadRow()).toMatchObject({ assignment: 'assigned', triggered_at: null });
    expect(await jobs()).toHaveLength(0);
  });
});
