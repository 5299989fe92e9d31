import { describe, expect, it } from 'vitest';
import { markContactPlaced, putAcdContact, waitingContactsOf } from '../../src/store/acdRepository.js';
import { down, up } from '../../src/store/migrations/028_acd_waiting_contacts.js';
import { planOf } from '../support/queryPlan.js';
import { acdContact, addInteractions, AGENT, at, useStoreWithAgent } from '../support/storeRows.js';
import { STORE_BACKENDS } from '../support/stores.js';

/** An agent's waiting contacts (offered while they were busy) are read through an index of those alone, not through their whole history. */
describe.each(STORE_BACKENDS)("an agent's waiting ACD contacts ($name)", (backend) => {
  const running = useStoreWithAgent(backend);

  /** An interaction handling the contact. */
  const interactionFor = (contactId: string, minutes: number) => addInteractions(running.store.db, AGENT, [{ id: `interaction-${contactId}`, startedAt: at(minutes), acdContactId: contactId }]);
  /** An interaction handling the contact, written as the offer writes it: with the contact marked placed. */
  const handle = async (contactId: string, minutes: number) => {
    await interactionFor(contactId, minutes);
    await markContactPlaced(running.store.db, contactId);
  };

  it('lists the contacts no interaction handles yet, oldest offer first; not one handled, nor one abandoned', async () => {
    await putAcdContact(running.store.db, acdContact('handled', 1, 'acwCompleted'));
    await handle('handled', 1);
    await putAcdContact(running.store.db, acdContact('later', 5));
    await putAcdContact(running.store.db, acdContact('earlier', 3, 'acwCompleted'));
    await putAcdContact(running.store.db, acdContact('abandoned', 4, 'abandoned'));
    expect((await waitingContactsOf(running.store.db, AGENT)).map((c) => c.contact_id)).toEqual(['earlier', 'later']);

    await handle('earlier', 6);
    expect((await waitingContactsOf(running.store.db, AGENT)).map((c) => c.contact_id)).toEqual(['later']);
    // An event of the contact after it was placed rewrites its row: it stays placed.
    await putAcdContact(running.store.db, acdContact('earlier', 3, 'acwCompleted'));
    expect((await waitingContactsOf(running.store.db, AGENT)).map((c) => c.contact_id)).toEqual(['later']);
  });

  it('still leaves out a contact an interaction handles though it was never marked placed (a row written before migration 028)', async () => {
    await putAcdContact(running.store.db, acdContact('old', 1, 'acwCompleted'));
    await interactionFor('old', 1);
    expect(await waitingContactsOf(running.store.db, AGENT)).toEqual([]);
  });

  it("reads the contacts through the partial index of waiting ones, never through the agent's handled contacts", async () => {
    for (let i = 0; i < 300; i++) {
      await putAcdContact(running.store.db, acdContact(`handled-${i}`, i, 'acwCompleted'));
      await handle(`handled-${i}`, i);
    }
    await putAcdContact(running.store.db, acdContact('waiting', 400));
    expect((await waitingContactsOf(running.store.db, AGENT)).map((c) => c.contact_id)).toEqual(['waiting']);
    const plan = await planOf(running.store, (db) => waitingContactsOf(db, AGENT), [AGENT]);
    expect(plan).toMatch(/acd_contacts_waiting/);
  });

  it('migration 028 marks placed the contacts an interaction handled before it, and leaves the waiting ones waiting', async () => {
    const before = running.store.db as unknown as Parameters<typeof down>[0];
    await down(before);
    await running.store.db
      .insertInto('acd_contacts')
      .values(acdContact('handled', 1, 'acwCompleted'))
      .execute();
    await running.store.db.insertInto('acd_contacts').values(acdContact('waiting', 2)).execute();
    await interactionFor('handled', 1);
    await up(before);
    const rows = await running.store.db.selectFrom('acd_contacts').select(['contact_id', 'placed']).orderBy('contact_id').execute();
    expect(rows.map((r) => [r.contact_id, Number(r.placed)])).toEqual([
      ['handled', 1],
      ['waiting', 0],
    ]);
    expect((await waitingContactsOf(running.store.db, AGENT)).map((c) => c.contact_id)).toEqual(['waiting']);
  });
});
