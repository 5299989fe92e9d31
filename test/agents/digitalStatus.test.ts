import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentService } from '../../src/agents/agentService.js';
import { statusCard } from '../../src/cards/statusCard.js';
import type { DigitalKind, ThreadAssignment, ThreadStatus } from '../../src/domain/digital.js';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { cardProblems } from '../support/adaptiveCards.js';
import { cardText } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

// The supervisors' `status` counts the open digital interactions of each agent, by kind, and the threads waiting in the queue.
describe.each(STORE_BACKENDS)("supervisors' status with digital conversations ($name)", (backend) => {
  let store: TestStore;
  let agents: AgentService;
  const now = new Date('2026-12-06T10:00:00.000Z');
  let n = 0;

  beforeEach(async () => {
    store = await backend.open();
    agents = new AgentService({ unit: new UnitOfWork(store.db), reasonCodes: ['Lunch'], supervisorIds: ['aad-boss'], clock: () => now });
    for (const [id, name] of [
      ['ana', 'Ana Agent'],
      ['bo', 'Bo Agent'],
      ['cy', 'Cy Agent'],
    ] as const) {
      await agents.identify(id, name);
      await agents.setAvailable(id);
    }
  });
  afterEach(async () => {
    await store.dispose();
  });

  /** One thread and its interaction, as the intake and the outcomes leave them. */
  async function thread(kind: DigitalKind, agentId: string, assignment: ThreadAssignment, status: ThreadStatus = 'Open'): Promise<void> {
    n += 1;
    const at = now.toISOString();
    const closed = status === 'Closed';
    await store.db
      .insertInto('interactions')
      .values({
        id: `int-${n}`,
        agent_id: agentId,
        channel: kind,
        ani: `user${n}@example.com`,
        state: closed ? 'completed' : 'active',
        configuration_id: 'embedded',
        match_state: 'none',
        started_at: at,
        ended_at: closed ? at : null,
        completed_at: closed ? at : null,
        disposition: null,
        notes: null,
        card_activity_id: null,
        last_notice: null,
        customer_id: null,
      })
      .execute();
    await store.db
      .insertInto('digital_threads')
      .values({
        id: `thr-${n}`,
        channel_id: `chan-${kind}`,
        id_on_external_platform: `t-${n}`,
        interaction_id: `int-${n}`,
        status,
        assignment,
        skill: null,
        author: JSON.stringify({ idOnExternalPlatform: `u${n}` }),
        triggered_at: null,
        trigger: null,
        created_at: at,
        last_message_at: at,
      })
      .execute();
  }

  it('counts each agent’s open digital interactions by kind, leaving out the closed, the queued and the dismissed', async () => {
    await thread('chat', 'ana', 'assigned');
    await thread('chat', 'ana', 'assigned', 'Pending');
    await thread('sms', 'ana', 'assigned');
    await thread('web', 'bo', 'assigned');
    await thread('chat', 'bo', 'assigned', 'Closed'); // done: no longer counts
    await thread('chat', '', 'queued');
    await thread('web', '', 'queued');
    await thread('web', '', 'queued');
    await thread('sms', '', 'dismissed'); // nobody has it, and it does not wait either
    await thread('sms', '', 'queued', 'Closed');

    const rows = await agents.status('aad-boss');
    const byAgent = Object.fromEntries(rows.map((row) => [row.agent.id, row.digital]));
    expect(byAgent).toEqual({ ana: { chat: 2, sms: 1, web: 0 }, bo: { chat: 0, sms: 0, web: 1 }, cy: { chat: 0, sms: 0, web: 0 } });
    // A digital interaction leaves the agent's own state alone: still Available, no current (voice) interaction.
    expect(rows.find((row) => row.agent.id === 'ana')).toMatchObject({ stateLabel: 'Available', interaction: null });
    expect(await agents.digitalQueue('aad-boss')).toEqual({ chat: 1, sms: 0, web: 2 });

    const card = statusCard(rows, now, await agents.digitalQueue('aad-boss'));
    expect(cardProblems(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toMatch(/Digital queue: 3 \(chat 1, web 2\) waiting for an agent/);
    expect(text).toMatch(/\*\*Ana Agent\*\*: Available[\s\S]*Digital: 3 \(chat 2, SMS 1\)[\s\S]*\*\*Bo Agent\*\*[\s\S]*Digital: 1 \(web 1\)[\s\S]*\*\*Cy Agent\*\*[\s\S]*Digital: none/);
  });

  it('says so when nothing is open and nothing waits', async () => {
    const rows = await agents.status('aad-boss');
    expect(rows.map((row) => row.digital)).toEqual([
      { chat: 0, sms: 0, web: 0 },
      { chat: 0, sms: 0, web: 0 },
      { chat: 0, sms: 0, web: 0 },
    ]);
    expect(cardText(statusCard(rows, now, await agents.digitalQueue('aad-boss')))).toMatch(/Digital queue: no conversation is waiting/);
  });

  it('tells anyone but a supervisor nothing about the queue', async () => {
    await thread('chat', '', 'queued');
    await expect(agents.digitalQueue('aad-ana')).rejects.toThrow(/for supervisors/);
    await expect(agents.digitalQueue(undefined)).rejects.toThrow(/for supervisors/);
  });
});
