import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentService } from '../../src/agents/agentService.js';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { findConversationRef } from '../../src/store/conversationRefsRepository.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

describe.each(STORE_BACKENDS)("an agent's contact, noted at every turn ($name)", (backend) => {
  let store: TestStore;
  let now: Date;
  let agents: AgentService;
  beforeEach(async () => {
    store = await backend.open();
    now = new Date('2026-11-22T08:00:00.000Z');
    agents = new AgentService({ unit: new UnitOfWork(store.db), reasonCodes: [], supervisorIds: [], clock: () => now });
  });
  afterEach(async () => {
    await store.dispose();
  });

  const chat = (activityId: string, serviceUrl = 'https://smba.trafficmanager.net/amer/') => ({ activityId, conversation: { id: 'a:1' }, serviceUrl });
  const written = async () => (await store.db.selectFrom('conversation_refs').select('updated_at').where('agent_id', '=', 'aad-1').executeTakeFirst())?.updated_at;

  it("creates the agent on first contact and keeps where their chat is, without the turn's own activity id", async () => {
    await agents.noteContact('aad-1', 'Alex Agent', '29:alex', chat('act-1'));
    expect(await agents.find('aad-1')).toMatchObject({ name: 'Alex Agent', teamsUserId: '29:alex', state: 'Unavailable' });
    expect(await findConversationRef(store.db, 'aad-1')).toEqual({ conversation: { id: 'a:1' }, serviceUrl: 'https://smba.trafficmanager.net/amer/' });
    expect(await agents.conversationRefOf('aad-1')).toEqual({ conversation: { id: 'a:1' }, serviceUrl: 'https://smba.trafficmanager.net/amer/' });
  });

  it('writes nothing on an ordinary turn, and writes again when the name or the chat changed', async () => {
    await agents.noteContact('aad-1', 'Alex Agent', '29:alex', chat('act-1'));
    const first = await written();
    now = new Date('2026-11-22T08:01:00.000Z');
    await agents.noteContact('aad-1', 'Alex Agent', '29:alex', chat('act-2'));
    expect(await written()).toBe(first);

    await agents.noteContact('aad-1', 'Alex Agent', '29:alex', chat('act-3', 'https://smba.trafficmanager.net/emea/'));
    expect(await written()).toBe('2026-11-22T08:01:00.000Z');
    expect(await agents.conversationRefOf('aad-1')).toMatchObject({ serviceUrl: 'https://smba.trafficmanager.net/emea/' });

    now = new Date('2026-11-22T08:02:00.000Z');
    await agents.noteContact('aad-1', 'Alex A. Agent', '29:alex', chat('act-4', 'https://smba.trafficmanager.net/emea/'));
    expect((await agents.find('aad-1'))!.name).toBe('Alex A. Agent');
    expect(await written()).toBe('2026-11-22T08:02:00.000Z');
  });

  it('writes again after a while even if nothing changed, in case another instance of the bot wrote meanwhile', async () => {
    await agents.noteContact('aad-1', 'Alex Agent', '29:alex', chat('act-1'));
    now = new Date('2026-11-22T08:11:00.000Z');
    await agents.noteContact('aad-1', 'Alex Agent', '29:alex', chat('act-2'));
    expect(await written()).toBe('2026-11-22T08:11:00.000Z');
  });

  it('only reads for an agent this process does not remember (a restart), writing when what is stored differs', async () => {
    await agents.noteContact('aad-1', 'Alex Agent', '29:alex', chat('act-1'));
    const first = await written();
    now = new Date('2026-11-22T08:01:00.000Z');
    const restarted = () => new AgentService({ unit: new UnitOfWork(store.db), reasonCodes: [], supervisorIds: [], clock: () => now });
    await restarted().noteContact('aad-1', 'Alex Agent', '29:alex', chat('act-2'));
    expect(await written()).toBe(first);

    await restarted().noteContact('aad-1', 'Alex Agent', '29:alex', chat('act-3', 'https://smba.trafficmanager.net/emea/'));
    expect(await written()).toBe('2026-11-22T08:01:00.000Z');
    expect(await findConversationRef(store.db, 'aad-1')).toMatchObject({ serviceUrl: 'https://smba.trafficmanager.net/emea/' });

    now = new Date('2026-11-22T08:02:00.000Z');
    await restarted().noteContact('aad-1', 'Alex A. Agent', '29:alex', chat('act-4', 'https://smba.trafficmanager.net/emea/'));
    expect((await agents.find('aad-1'))!.name).toBe('Alex A. Agent');
    await restarted().noteContact('aad-1', 'Alex A. Agent', '29:alexander', chat('act-5', 'https://smba.trafficmanager.net/emea/'));
    expect((await agents.find('aad-1'))!.teamsUserId).toBe('29:alexander');
  });

  it('finds the chat of an agent this process has not seen yet in the database', async () => {
    await agents.noteContact('aad-1', 'Alex Agent', '29:alex', chat('act-1'));
    const another = new AgentService({ unit: new UnitOfWork(store.db), reasonCodes: [], supervisorIds: [], clock: () => now });
    expect(await another.conversationRefOf('aad-1')).toEqual({ conversation: { id: 'a:1' }, serviceUrl: 'https://smba.trafficmanager.net/amer/' });
    expect(await another.conversationRefOf('nobody')).toBeUndefined();
  });
});
