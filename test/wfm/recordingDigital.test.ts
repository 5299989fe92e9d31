import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../src/digital/ports.js';
import type { DigitalChannel } from '../../src/domain/digital.js';
import { findThreadByExternalId } from '../../src/store/threadsRepository.js';
import { startBot, type BotHarness } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { contactRows, stateRows } from './logRows.js';

const message = (thread: string, text: string): InboundMessage => ({
  idOnExternalPlatform: `m-${randomUUID()}`,
  threadIdOnExternalPlatform: thread,
  text,
  createdAt: new Date().toISOString(),
  direction: 'inbound',
  author: { idOnExternalPlatform: '5459', firstName: 'Peter', lastName: 'Solo', nickname: '@peter007' },
});

describe.each(STORE_BACKENDS)('digital threads on the contact log ($name)', (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let sms: DigitalChannel;

  beforeAll(async () => {
    store = await backend.open();
    bot = await startBot(store, { DIGITAL_CONCURRENCY: '2', DIGITAL_AGENT_SKILLS: JSON.stringify({ 'aad-d1': ['Texts'], 'aad-d2': ['Texts'], 'aad-d3': ['Billing'] }) });
    for (const id of ['d1', 'd2', 'd3']) expect(await bot.user(id, `Agent ${id}`).sayText('available')).toMatch(/You are Available/);
    // A channel as the channels API registers it (that API is another piece: the row is written as it writes it).
    const now = new Date().toISOString();
    sms = {
      id: randomUUID(),
      integrationId: 'integration-1',
      idOnExternalPlatform: 'sms-line',
      channelIntegrationId: 'integration-1',
      realExternalPlatformId: 'sms',
      name: 'Texts',
      isPrivate: true,
      hasTreeStructure: false,
      kind: 'sms',
      skill: 'Texts',
    };
    await store.db
      .insertInto('digital_channels')
      .values({
        id: sms.id,
        integration_id: sms.integrationId,
        id_on_external_platform: sms.idOnExternalPlatform,
        channel_integration_id: sms.channelIntegrationId,
        real_external_platform_id: 'sms',
        name: sms.name,
        is_private: 1,
        has_tree_structure: 0,
        kind: 'sms',
        skill: 'Texts',
        created_at: now,
        updated_at: now,
      })
      .execute();
  });
  afterAll(async () => {
    await bot.stop();
    await store.dispose();
  });

  /** The thread's interaction and who has it now. */
  const threadOf = async (key: string) => {
    const thread = await findThreadByExternalId(store.db, sms.id, key);
    const interaction = await store.db.selectFrom('interactions').selectAll().where('id', '=', thread!.interactionId).executeTakeFirstOrThrow();
    return { interactionId: interaction.id, owner: interaction.agent_id, interaction };
  };
  const other = (agentId: string) => (agentId === 'aad-d1' ? 'aad-d2' : 'aad-d1');
  const steps = async (interactionId: string) => (await contactRows(store.db, `interaction:${interactionId}`)).map((s) => [s.kind, s.agent_id, s.skill, s.channel, s.source]);

  it('logs a thread opened, routed, transferred to an agent and to a skill, and closed, under its kind and skill', async () => {
    const { threads } = bot.product;
    await threads.intake.receive(sms, [message('w1', 'Where is my parcel?')]);
    const { interactionId, owner: first, interaction } = await threadOf('w1');
    expect(first).toMatch(/^aad-d[12]$/);
    await threads.outcomes.transfer(first, interactionId, `agent:${other(first)}`);
    await threads.outcomes.transfer(other(first), interactionId, 'skill:Billing');
    expect((await threadOf('w1')).owner).toBe('aad-d3');
    await threads.outcomes.saveOutcome('aad-d3', interactionId, { status: 'Closed', tags: '', notes: '' });

    expect(await steps(interactionId)).toEqual([
      ['offered', null, 'Texts', 'sms', 'app'],
      ['answered', first, 'Texts', 'sms', 'app'],
      ['transferred', other(first), 'Texts', 'sms', 'app'],
      ['answered', other(first), 'Texts', 'sms', 'app'],
      // To a skill: nobody in particular, until routing finds someone with it.
      ['transferred', null, 'Billing', 'sms', 'app'],
      ['answered', 'aad-d3', 'Billing', 'sms', 'app'],
      ['ended', 'aad-d3', 'Billing', 'sms', 'app'],
    ]);
    const rows = await contactRows(store.db, `interaction:${interactionId}`);
    const closed = (await threadOf('w1')).interaction;
    expect(rows[0]!.at).toBe(interaction.started_at);
    expect(rows.at(-1)!.at).toBe(closed.completed_at);
    expect(rows.every((r) => r.event_key === null)).toBe(true);
  });

  it("logs unassign and dismiss as the end of that agent's part, and changes no agent's state", async () => {
    const { threads } = bot.product;
    const statesBefore = await Promise.all(['aad-d1', 'aad-d2'].map((id) => stateRows(store.db, id)));
    await threads.intake.receive(sms, [message('w2', 'Hello?')]);
    const { interactionId, owner: first } = await threadOf('w2');
    await threads.outcomes.unassign(first, interactionId);
    expect((await threadOf('w2')).owner).toBe(other(first));
    await threads.outcomes.dismiss(other(first), interactionId);

    expect(await steps(interactionId)).toEqual([
      ['offered', null, 'Texts', 'sms', 'app'],
      ['answered', first, 'Texts', 'sms', 'app'],
      ['ended', first, 'Texts', 'sms', 'app'],
      ['answered', other(first), 'Texts', 'sms', 'app'],
      ['ended', other(first), 'Texts', 'sms', 'app'],
    ]);
    // Digital conversations run beside the agents' states: nothing logged for them.
    expect(await Promise.all(['aad-d1', 'aad-d2'].map((id) => stateRows(store.db, id)))).toEqual(statesBefore);
    expect(statesBefore[0]!.map((s) => [s.state, s.source])).toEqual([
      ['Unavailable', 'app'],
      ['Available', 'teams'],
    ]);
  });
});
