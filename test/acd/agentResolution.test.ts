import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { AgentService } from '../../src/agents/agentService.js';
import { AcdDispatcher } from '../../src/acd/dispatcher.js';
import { acdEventSchema } from '../../src/acd/eventSchema.js';
import type { ContactConvergence } from '../../src/interactions/contactEvents.js';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { countingStatements } from '../support/statementCount.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

/** Which agent each event of a request names, before anything is applied (AcdDispatcher.resolve). */
describe.each(STORE_BACKENDS)('the agents an ACD names ($name)', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => {
    await store.dispose();
  });

  const now = () => new Date('2026-12-07T09:00:00.000Z');
  const agentsOn = (db: TestStore['db']) => new AgentService({ unit: new UnitOfWork(db), reasonCodes: [], supervisorIds: [], clock: now });
  /** A dispatcher whose database counts the statements run through it (resolving needs no contacts). */
  function countedDispatcher(agents: AgentService) {
    const { db, statements } = countingStatements(store.db);
    const contacts = {} as ContactConvergence;
    const dispatcher = new AcdDispatcher({ db, agents, contacts, defaultRegion: 'US', logger: pino({ level: 'silent' }), clock: now });
    return { dispatcher, statements: () => statements().length };
  }
  const stateOf = (agent: Record<string, string>, id = 'evt-1') => acdEventSchema.parse({ id, type: 'agent.state', at: '2026-12-07T08:59:00.000Z', agent, state: 'Available' });
  const field = (index: number) => `events.${index}.`;

  it('takes an agent this process has noted without reading the database, and reads for one it has not', async () => {
    const noted = agentsOn(store.db);
    await noted.noteContact('aad-ana', 'Ana Agent', '29:ana', { conversation: { id: 'a:ana' } });
    await agentsOn(store.db).noteContact('aad-bob', 'Bob Agent', '29:bob', { conversation: { id: 'a:bob' } });

    const { dispatcher, statements } = countedDispatcher(noted);
    expect(await dispatcher.resolve([stateOf({ aadObjectId: 'aad-ana' })], field)).toEqual({ ok: true, agentIds: ['aad-ana'] });
    expect(statements()).toBe(0);
    // Bob was noted by another instance: this one looks him up.
    expect(await dispatcher.resolve([stateOf({ aadObjectId: 'aad-bob' })], field)).toEqual({ ok: true, agentIds: ['aad-bob'] });
    expect(statements()).toBe(1);
  });

  it('still answers 422 naming the field for an agent nobody noted', async () => {
    const noted = agentsOn(store.db);
    await noted.noteContact('aad-ana', 'Ana Agent', '29:ana', { conversation: { id: 'a:ana' } });
    const { dispatcher } = countedDispatcher(noted);
    const answer = await dispatcher.resolve([stateOf({ aadObjectId: 'aad-ana' }), stateOf({ aadObjectId: 'aad-nobody' }, 'evt-2')], field);
    expect(answer).toEqual({ ok: false, status: 422, problem: expect.stringMatching(/^events\.1\.agent\.aadObjectId: no agent known here/) });
  });
});
