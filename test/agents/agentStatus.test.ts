import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentService } from '../../src/agents/agentService.js';
import { parseStatusMessage } from '../../src/agents/statusFilter.js';
import type { CanonicalFields } from '../../src/domain/crmRecord.js';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

// The supervisors' status filters read the store as it stands: states, the skills of open contacts, the records on their cards, the queues.
describe.each(STORE_BACKENDS)("supervisors' status filters and queues ($name)", (backend) => {
  let store: TestStore;
  let agents: AgentService;
  let now = new Date('2026-12-06T10:00:00.000Z');
  const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
  const names = async (message: string) => {
    const parsed = parseStatusMessage(message, agents.reasonCodes);
    if (!parsed.ok) throw new Error(parsed.problem);
    return (await agents.status('aad-boss', parsed.filter)).map((row) => row.agent.name);
  };

  beforeEach(async () => {
    now = new Date('2026-12-06T10:00:00.000Z');
    store = await backend.open();
    agents = new AgentService({
      unit: new UnitOfWork(store.db),
      reasonCodes: ['Lunch', 'Break'],
      supervisorIds: ['aad-boss'],
      clock: () => now,
      agentSkills: new Map([
        ['ana', ['Billing']],
        ['cy@contoso.example', ['Sales', 'billing']],
      ]),
    });
    for (const [id, name] of [
      ['ana', 'Ana Agent'],
      ['bo', 'Bo Agent'],
      ['cy', 'Cy Agent'],
      ['di', 'Di Agent'],
      ['ed', 'Ed Agent'],
    ] as const)
      await agents.identify(id, name);
    await store.db.updateTable('agents').set({ email: 'cy@contoso.example' }).where('id', '=', 'cy').execute();
    // Ana: Available for 2 minutes. Bo: on Lunch for 20. Cy: Break for 4. Di: on a call (skill Support) for 6, with Maria Garcia of Contoso.
    // Ed: Available, with a digital chat of skill Claims, about Jörg Müller (no organization).
    await setState('ana', 'Available', null, 2);
    await setState('bo', 'Unavailable', 'Lunch', 20);
    await setState('cy', 'Unavailable', 'Break', 4);
    await setState('ed', 'Available', null, 30);
    await interaction('int-di', 'di', 'voice', { acdContact: { id: 'call-1', skill: 'Support', phase: 'answered' } });
    await setState('di', 'Working', null, 6, 'int-di');
    await record('int-di', 'Maria Garcia', { organization: { ref: { type: 'account', id: 'acc-1' }, name: 'Contoso Pharmaceuticals' } }, { linked: 0, origin: 'ani' });
    await record('int-di', 'CS-9 Old case', {}, { linked: 0, origin: 'history' }); // related history: not whom the call is with
    await record('int-di', 'CS-7 Open case', { organization: { ref: { type: 'account', id: 'acc-1' }, name: 'Contoso Pharmaceuticals' } }, { linked: 0, origin: 'ani', role: 'case' }); // found with the caller: related
    await interaction('int-ed', 'ed', 'chat', { thread: { skill: 'Claims', assignment: 'assigned' } });
    await record('int-ed', 'Jörg Müller', {}, { linked: 1, origin: 'search' });
  });
  afterEach(async () => {
    await store.dispose();
  });

  async function setState(id: string, state: 'Available' | 'Unavailable' | 'Working' | 'ACW', reasonCode: string | null, minutesAgo: number, interactionId: string | null = null) {
    await new UnitOfWork(store.db).repos.agents.setState(id, { state, reasonCode, since: at(minutesAgo), currentInteractionId: interactionId });
  }

  let threads = 0;
  async function interaction(
    id: string,
    agentId: string,
    channel: 'voice' | 'chat' | 'sms' | 'web',
    source: { acdContact?: { id: string; skill: string | null; phase: string }; thread?: { skill: string | null; assignment: 'assigned' | 'queued' } },
    state = 'active',
  ) {
    await store.db
      .insertInto('interactions')
      .values({
        id,
        agent_id: agentId,
        channel,
        ani: '+12065550142',
        state,
        configuration_id: 'embedded',
        match_state: 'single',
        started_at: at(6),
        ended_at: null,
        completed_at: null,
        disposition: null,
        notes: null,
        card_activity_id: null,
        last_notice: null,
        customer_id: null,
        acd_contact_id: source.acdContact?.id ?? null,
      })
      .execute();
    if (source.acdContact) await acdContact(source.acdContact.id, agentId, source.acdContact.skill, source.acdContact.phase, 6);
    if (source.thread) await thread(id, source.thread.skill, source.thread.assignment);
  }

  async function acdContact(id: string, agentId: string, skill: string | null, phase: string, minutesAgo: number, channel = 'voice') {
    await store.db
      .insertInto('acd_contacts')
      .values({
        contact_id: id,
        source: 'studio',
        agent_id: agentId,
        agent_at: at(minutesAgo),
        phase,
        phase_at: at(minutesAgo),
        channel,
        ani: '+12065550100',
        dnis: null,
        skill,
        disposition: null,
        notes: null,
      })
      .execute();
  }

  async function thread(interactionId: string, skill: string | null, assignment: 'assigned' | 'queued', minutesAgo = 6) {
    threads += 1;
    await store.db
      .insertInto('digital_threads')
      .values({
        id: `thr-${threads}`,
        channel_id: 'chan-1',
        id_on_external_platform: `t-${threads}`,
        interaction_id: interactionId,
        status: 'Open',
        assignment,
        skill,
        author: JSON.stringify({ idOnExternalPlatform: `u${threads}` }),
        triggered_at: null,
        trigger: null,
        created_at: at(minutesAgo),
        last_message_at: at(minutesAgo),
      })
      .execute();
  }

  async function record(interactionId: string, label: string, canonical: CanonicalFields, place: { linked: number; origin: string; role?: string }) {
    await store.db
      .insertInto('interaction_records')
      .values({
        interaction_id: interactionId,
        record_type: 'contact',
        record_id: `${interactionId}-${label}`,
        label,
        snapshot: '{}',
        canonical: JSON.stringify(canonical),
        type_label: 'Contact',
        ...place,
      })
      .execute();
  }

  it('keeps every agent without a filter, with whom their open interaction is and the skills it came through', async () => {
    const rows = await agents.status('aad-boss');
    expect(rows.map((r) => r.agent.name)).toEqual(['Ana Agent', 'Bo Agent', 'Cy Agent', 'Di Agent', 'Ed Agent']);
    const di = rows.find((r) => r.agent.id === 'di')!;
    expect(di).toMatchObject({ stateLabel: 'Working', secondsInState: 360, customer: 'Maria Garcia (Contoso Pharmaceuticals)', contactSkills: ['Support'] });
    expect(di.interaction).toEqual({ id: 'int-di', channel: 'voice', ani: '+12065550142', state: 'active' });
    expect(rows.find((r) => r.agent.id === 'ed')).toMatchObject({ customer: 'Jörg Müller', contactSkills: ['Claims'], interaction: null, digital: { chat: 1, sms: 0, web: 0 } });
    expect(rows.find((r) => r.agent.id === 'ana')).toMatchObject({ customer: null, contactSkills: [] });
  });

  it('filters by state and by reason code', async () => {
    expect(await names('status available')).toEqual(['Ana Agent', 'Ed Agent']);
    expect(await names('status unavailable')).toEqual(['Bo Agent', 'Cy Agent']);
    expect(await names('status working')).toEqual(['Di Agent']);
    expect(await names('status acw')).toEqual([]);
    expect(await names('status lunch')).toEqual(['Bo Agent']);
    expect(await names('status unavailable break')).toEqual(['Cy Agent']);
  });

  it('filters by time in state, strictly over it, as the clock moves', async () => {
    expect(await names('status over 5m')).toEqual(['Bo Agent', 'Di Agent', 'Ed Agent']);
    expect(await names('status over 360s')).toEqual(['Bo Agent', 'Ed Agent']);
    expect(await names('status unavailable over 3m')).toEqual(['Bo Agent', 'Cy Agent']);
    now = new Date(now.getTime() + 60 * 60_000);
    expect(await names('status over 1h')).toEqual(['Ana Agent', 'Bo Agent', 'Cy Agent', 'Di Agent', 'Ed Agent']);
    expect(await names('status over 70m')).toEqual(['Bo Agent', 'Ed Agent']);
  });

  it('filters by skill: configured by Entra id or email (any case), or the skill of an open contact (ACD or digital)', async () => {
    expect(await names('status skill billing')).toEqual(['Ana Agent', 'Cy Agent']);
    expect(await names('status skill Sales')).toEqual(['Cy Agent']);
    expect(await names('status skill SUPPORT')).toEqual(['Di Agent']);
    expect(await names('status skill Claims')).toEqual(['Ed Agent']);
    expect(await names('status skill Claims unavailable')).toEqual([]);
    expect(await names('status skill Nobody')).toEqual([]);
  });

  it('finds who is on a call with a customer or an account: linked or matched records, by name or organization, any case or accent', async () => {
    expect(await names('who is on a call with maria')).toEqual(['Di Agent']);
    expect(await names('status with CONTOSO pharma')).toEqual(['Di Agent']);
    expect(await names('status with jorg muller')).toEqual(['Ed Agent']);
    expect(await names('status with old case')).toEqual([]); // only related history
    expect(await names('status with open case')).toEqual([]); // a case found with the caller, not linked
    expect(await names('status working with Jörg')).toEqual([]);
    // Done: a completed interaction is nobody's call any more.
    await store.db.updateTable('interactions').set({ state: 'completed' }).where('id', '=', 'int-di').execute();
    expect(await names('who is on a call with Maria Garcia')).toEqual([]);
  });

  it("counts what waits, by skill: the ACD's contacts offered and not answered (forgetting a day-old one), the digital queue by kind", async () => {
    await acdContact('call-2', 'ana', 'Billing', 'offered', 3);
    await acdContact('call-3', 'bo', 'Billing', 'offered', 1);
    await acdContact('call-4', 'cy', null, 'offered', 2, 'chat');
    await acdContact('call-5', 'cy', 'Billing', 'answered', 2);
    await acdContact('call-6', 'cy', 'Billing', 'offered', 25 * 60);
    await interaction('int-q1', '', 'sms', { thread: { skill: 'Claims', assignment: 'queued' } });
    await interaction('int-q2', '', 'sms', { thread: { skill: 'Claims', assignment: 'queued' } });
    await interaction('int-q3', '', 'web', { thread: { skill: null, assignment: 'queued' } });
    const queues = await agents.queues('aad-boss');
    expect(queues.acd).toEqual([
      { skill: null, channel: 'chat', count: 1, longestWaitSeconds: 120 },
      { skill: 'Billing', channel: 'voice', count: 2, longestWaitSeconds: 180 },
    ]);
    expect(queues.digital).toEqual([
      { kind: 'web', skill: null, count: 1, longestWaitSeconds: 360 },
      { kind: 'sms', skill: 'Claims', count: 2, longestWaitSeconds: 360 },
    ]);
  });

  it("tells its listeners (the wallboard) of every state change it makes: the agent's own and the ACD's, not a busy agent's deferred one", async () => {
    const told: string[] = [];
    const stop = agents.onStateChanged((agentId) => told.push(agentId));
    await agents.setUnavailable('ana', 'lunch');
    await agents.applyAcdState('cy', 'Available', null, at(0));
    expect(await agents.applyAcdState('di', 'Unavailable', 'Break', at(0))).toBe('busy');
    expect(told).toEqual(['ana', 'cy']);
    stop();
    await agents.setAvailable('ana');
    expect(told).toEqual(['ana', 'cy']);
  });

  it('refuses anyone but a supervisor, whatever they ask', async () => {
    await expect(agents.status('aad-ana', { with: 'Maria' })).rejects.toThrow(/for supervisors/);
    await expect(agents.queues('aad-ana')).rejects.toThrow(/for supervisors/);
    await expect(agents.queues(undefined)).rejects.toThrow(/for supervisors/);
  });
});
