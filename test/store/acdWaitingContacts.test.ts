import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markContactPlaced, putAcdContact, waitingContactsOf, type AcdContactRow } from '../../src/store/acdRepository.js';
import { down, up } from '../../src/store/migrations/028_acd_waiting_contacts.js';
import { planOf } from '../support/queryPlan.js';
import { addAgent, addInteractions } from '../support/storeRows.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const BASE = Date.parse('2026-12-07T09:00:00.000Z');
const at = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString();

const contact = (id: string, minutes: number, phase = 'offered'): AcdContactRow => ({
  contact_id: id,
  source: 'acd',
  agent_id: 'agent-1',
  agent_at: at(minutes),
  phase,
  phase_at: at(minutes),
  channel: 'voice',
  ani: '+12065550142',
  dnis: null,
  skill: null,
  disposition: null,
  notes: null,
});

/** An agent's waiting contacts (offered while they were busy) are read through an index of those alone, not through their whole history. */
describe.each(STORE_BACKENDS)("an agent's waiting ACD contacts ($name)", (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
    await addAgent(store.db, 'agent-1', at(0));
  });
  afterEach(async () => {
    await store.dispose();
  });

  /** An interaction handling the contact. */
  const interactionFor = (contactId: string, minutes: number) => addInteractions(store.db, 'agent-1', [{ id: `interaction-${contactId}`, startedAt: at(minutes), acdContactId: contactId }]);
  /** An interaction handling the contact, written as the offer writes it: with the contact marked placed. */
  const handle = async (contactId: string, minutes: number) => {
    await interactionFor(contactId, minutes);
    await markContactPlaced(store.db, contactId);
  };

  it('lists the contacts no interaction handles yet, oldest offer first; not one handled, nor one abandoned', async () => {
    await putAcdContact(store.db, contact('handled', 1, 'acwCompleted'));
    await handle('handled', 1);
    await putAcdContact(store.db, contact('later', 5));
    await putAcdContact(store.db, contact('earlier', 3, 'acwCompleted'));
    await putAcdContact(store.db, contact('abandoned', 4, 'abandoned'));
    expect((await waitingContactsOf(store.db, 'agent-1')).map((c) => c.contact_id)).toEqual(['earlier', 'later']);

    await handle('earlier', 6);
    expect((await waitingContactsOf(store.db, 'agent-1')).map((c) => c.contact_id)).toEqual(['later']);
    // An event of the contact after it was placed rewrites its row: it stays placed.
    await putAcdContact(store.db, contact('earlier', 3, 'acwCompleted'));
    expect((await waitingContactsOf(store.db, 'agent-1')).map((c) => c.contact_id)).toEqual(['later']);
  });

  it('still leaves out a contact an interaction handles though it was never marked placed (a row written before migration 028)', async () => {
    await putAcdContact(store.db, contact('old', 1, 'acwCompleted'));
    await interactionFor('old', 1);
    expect(await waitingContactsOf(store.db, 'agent-1')).toEqual([]);
  });

  it("reads the contacts through the partial index of waiting ones, never through the agent's handled contacts", async () => {
    for (let i = 0; i < 300; i++) {
      await putAcdContact(store.db, contact(`handled-${i}`, i, 'acwCompleted'));
      await handle(`handled-${i}`, i);
    }
    await putAcdContact(store.db, contact('waiting', 400));
    expect((await waitingContactsOf(store.db, 'agent-1')).map((c) => c.contact_id)).toEqual(['waiting']);
    const plan = await planOf(store, (db) => waitingContactsOf(db, 'agent-1'), ['agent-1']);
    expect(plan).toMatch(/acd_contacts_waiting/);
  });

  it('migration 028 marks placed the contacts an interaction handled before it, and leaves the waiting ones waiting', async () => {
    const before = store.db as unknown as Parameters<typeof down>[0];
    await down(before);
    await store.db
      .insertInto('acd_contacts')
      .values(contact('handled', 1, 'acwCompleted'))
      .execute();
    await store.db.insertInto('acd_contacts').values(contact('waiting', 2)).execute();
    await interactionFor('handled', 1);
    await up(before);
    const rows = await store.db.selectFrom('acd_contacts').select(['contact_id', 'placed']).orderBy('contact_id').execute();
    expect(rows.map((r) => [r.contact_id, Number(r.placed)])).toEqual([
      ['handled', 1],
      ['waiting', 0],
    ]);
    expect((await waitingContactsOf(store.db, 'agent-1')).map((c) => c.contact_id)).toEqual(['waiting']);
  });
});
