import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { AgentService } from '../../src/agents/agentService.js';
import { AcdDispatcher } from '../../src/acd/dispatcher.js';
import { acdEventSchema } from '../../src/acd/eventSchema.js';
import type { ContactConvergence } from '../../src/interactions/contactEvents.js';
import type { AcdContactRow } from '../../src/store/acdRepository.js';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { countingStatements } from '../support/statementCount.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

/**
 * A contact's events are merged into its row (AcdDispatcher.applyContact). An offer usually brings a contact
 * not seen before: its row is written without being read first, and read only when it was there after all.
 */
describe.each(STORE_BACKENDS)('writing an ACD contact that an offer brings ($name)', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => {
    await store.dispose();
  });

  const now = () => new Date('2026-12-08T09:00:00.000Z');
  const agent = { aadObjectId: 'aad-ana' };
  const contactEvent = (id: string, type: string, secondsAfter: number, contact: Record<string, string> = {}) =>
    acdEventSchema.parse({ id, type, at: new Date(Date.parse('2026-12-08T08:59:00.000Z') + secondsAfter * 1000).toISOString(), agent, contact: { id: 'contact-1', ...contact } });

  /** A dispatcher counting its statements, whose convergence only notes what it was asked to converge. */
  async function dispatcherWithCount() {
    const unit = new UnitOfWork(store.db);
    const agents = new AgentService({ unit, reasonCodes: [], supervisorIds: [], clock: now });
    await agents.noteContact('aad-ana', 'Ana Agent', '29:ana', { conversation: { id: 'a:ana' } });
    const { db, statements } = countingStatements(store.db);
    const converged: Array<{ contact: AcdContactRow; noInteractionYet: boolean }> = [];
    const contacts = {
      prepare: () => undefined,
      converge: async (contact: AcdContactRow, _options: unknown, hints: { noInteractionYet?: boolean } = {}) => {
        converged.push({ contact, noInteractionYet: hints.noInteractionYet === true });
        return undefined;
      },
    } as unknown as ContactConvergence;
    const dispatcher = new AcdDispatcher({ db, agents, contacts, defaultRegion: 'US', logger: pino({ level: 'silent' }), clock: now });
    const send = (...events: ReturnType<typeof contactEvent>[]) =>
      dispatcher.dispatch(
        events,
        events.map(() => 'aad-ana'),
        { source: 'acd', postCard: false, strict: false },
      );
    return { send, statements, converged };
  }
  const storedContact = () => store.db.selectFrom('acd_contacts').selectAll().where('contact_id', '=', 'contact-1').executeTakeFirst();

  it("writes a new contact's row without reading it first", async () => {
    const { send, statements, converged } = await dispatcherWithCount();
    const { outcomes } = await send(contactEvent('offered-1', 'contact.offered', 0, { channel: 'voice', ani: '+12065550142', skill: 'Billing' }));
    expect(outcomes).toEqual([{ id: 'offered-1', outcome: 'applied' }]);
    expect(statements()).not.toContain('SelectQueryNode');
    expect(await storedContact()).toMatchObject({ phase: 'offered', ani: '+12065550142', skill: 'Billing', agent_id: 'aad-ana' });
    expect(converged).toEqual([{ contact: expect.objectContaining({ contact_id: 'contact-1', phase: 'offered' }), noInteractionYet: true }]);
  });

  it('merges an offer that comes after its contact was answered into the row there, which stays answered', async () => {
    const { send, statements, converged } = await dispatcherWithCount();
    await send(contactEvent('answered-1', 'contact.answered', 5));
    const before = statements().length;
    const { outcomes } = await send(contactEvent('offered-1', 'contact.offered', 0, { channel: 'voice', ani: '+12065550142' }));
    expect(outcomes).toEqual([{ id: 'offered-1', outcome: 'applied' }]);
    // Tried as new, found there: read, merged, written.
    expect(statements().slice(before)).toContain('SelectQueryNode');
    expect(await storedContact()).toMatchObject({ phase: 'answered', ani: '+12065550142' });
    expect(converged.at(-1)).toEqual({ contact: expect.objectContaining({ phase: 'answered', ani: '+12065550142' }), noInteractionYet: false });
  });

  it('acts once on an offer sent twice, and converges the retry to the row as stored', async () => {
    const { send, converged } = await dispatcherWithCount();
    const offered = contactEvent('offered-1', 'contact.offered', 0, { channel: 'voice', ani: '+12065550142' });
    await send(offered);
    expect((await send(offered)).outcomes).toEqual([{ id: 'offered-1', outcome: 'duplicate' }]);
    const rows = await store.db.selectFrom('contact_log').select('kind').execute();
    expect(rows.map((r) => r.kind)).toEqual(['offered']);
    expect(converged.map((c) => [c.contact.phase, c.noInteractionYet])).toEqual([
      ['offered', true],
      ['offered', false],
    ]);
  });
});
