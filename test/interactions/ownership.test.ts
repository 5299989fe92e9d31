import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { NOT_MERGEABLE, NOT_YOURS, Ownership } from '../../src/interactions/ownership.js';
import { repositoriesOf } from '../../src/store/unitOfWork.js';
import { buildServices } from '../support/services.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { countingStatements } from '../support/statementCount.js';

/** What a refusal is, as a caller could tell: its code and its words. */
async function refusalOf(work: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return { code: (error as AppError).code, message: (error as AppError).message };
}

describe.each(STORE_BACKENDS)('ownership of interactions and customer cards ($name)', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => {
    await store.dispose();
  });

  /** Two agents, each on a call: Ana with Maria (linked), Bob with a number nobody has. */
  async function twoCalls() {
    const services = await buildServices(store);
    for (const [id, name] of [
      ['ana', 'Ana'],
      ['bob', 'Bob'],
    ] as const) {
      await services.agents.identify(id, name);
      await services.agents.setAvailable(id);
    }
    const ana = (await services.calls.offerCall('ana', '+1 206 555 0142')).interaction;
    const bob = (await services.calls.offerCall('bob', '+1 206 555 0000')).interaction;
    return { services, ana, bob };
  }

  /** The store's database, counting the statements run through it. */
  function counted(): { db: typeof store.db; statements: () => number } {
    const { db, statements } = countingStatements(store.db);
    return { db, statements: () => statements().length };
  }

  it("refuses another agent's interaction exactly as one that does not exist: same code, same words, same single lookup", async () => {
    const { ana } = await twoCalls();
    const { db, statements } = counted();
    const ownership = new Ownership(repositoriesOf(db));

    const others = await refusalOf(ownership.owned('bob', ana.id));
    const othersStatements = statements();
    const missing = await refusalOf(ownership.owned('bob', randomUUID()));
    expect(others).toEqual({ code: 'not_found', message: NOT_YOURS });
    expect(missing).toEqual(others);
    expect(othersStatements).toBe(1);
    expect(statements() - othersStatements).toBe(1);
    // Not an id at all (any size): refused before any lookup.
    expect(await refusalOf(ownership.owned('bob', 'x'.repeat(100_000)))).toEqual(others);
    expect(statements() - othersStatements).toBe(1);
    expect((await ownership.owned('ana', ana.id)).interaction.id).toBe(ana.id);
  });

  it('lets a supervisor read any interaction (and says so), and nobody else', async () => {
    const { ana } = await twoCalls();
    const ownership = new Ownership(repositoriesOf(store.db));
    expect((await ownership.readable('sue', ana.id, true)).access).toBe('supervisor');
    expect((await ownership.readable('ana', ana.id, true)).access).toBe('owner');
    expect((await ownership.readable('ana', ana.id, false)).access).toBe('owner');
    expect(await refusalOf(ownership.readable('bob', ana.id, false))).toEqual({ code: 'not_found', message: NOT_YOURS });
    expect(await refusalOf(ownership.readable('sue', randomUUID(), true))).toEqual({ code: 'not_found', message: NOT_YOURS });
  });

  it("refuses every service method on another agent's interaction, changing nothing", async () => {
    const { services, ana } = await twoCalls();
    const rows = async () => JSON.stringify(await store.db.selectFrom('interactions').selectAll().orderBy('id').execute());
    const before = await rows();
    const ref = { type: 'contact', id: 'con-maria-garcia' };
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['view', () => services.cards.view('bob', ana.id)],
      ['readableView', () => services.cards.readableView('bob', ana.id, false)],
      ['searchOnCard', () => services.records.searchOnCard('bob', ana.id, 'garcia')],
      ['link', () => services.records.link('bob', ana.id, ref)],
      ['unlink', () => services.records.unlink('bob', ana.id, ref)],
      ['createRecord', () => services.records.createRecord('bob', ana.id, { kind: 'contact', fields: { lastName: 'Intruder' } })],
      ['updateRecord', () => services.records.updateRecord('bob', ana.id, ref, { lastName: 'Intruder' })],
      ['details', () => services.cards.details('bob', ana.id, ref)],
      ['completeAcw', () => services.calls.completeAcw('bob', ana.id, { disposition: 'Resolved', notes: '' })],
      ['findDuplicates', () => services.merging.findDuplicates('bob', ana.id, 'Garcia')],
      ['mergeCustomer', () => services.merging.mergeCustomer('bob', ana.id, randomUUID())],
    ];
    for (const [name, call] of calls) expect(await refusalOf(call()), name).toEqual({ code: 'not_found', message: NOT_YOURS });
    expect(await rows()).toBe(before);
  });

  it("merges a card only when nobody else is handling it: another agent's open call is refused like a missing card, their completed one is not", async () => {
    const { services, ana, bob } = await twoCalls();
    // While Ana's call is open, Bob's merge dialog does not list her card, and merging it by id is refused.
    const dialog = await services.merging.findDuplicates('bob', bob.id, 'Maria Garcia');
    expect(dialog.customer?.duplicates).toEqual([]);
    const taken = await refusalOf(services.merging.mergeCustomer('bob', bob.id, ana.customerId!));
    expect(taken).toEqual({ code: 'not_found', message: NOT_MERGEABLE });
    expect(await refusalOf(services.merging.mergeCustomer('bob', bob.id, randomUUID()))).toEqual(taken);
    expect(await refusalOf(services.merging.mergeCustomer('bob', bob.id, bob.customerId!))).toEqual(taken);
    expect((await services.cards.view('ana', ana.id)).customer).toMatchObject({ id: ana.customerId, name: 'Maria Garcia', interactions: 1 });

    // Both checks take one lookup, whichever the reason.
    const { db, statements } = counted();
    const ownership = new Ownership(repositoriesOf(db));
    await refusalOf(ownership.mergeableCustomer(bob, ana.customerId!));
    const open = statements();
    await refusalOf(ownership.mergeableCustomer(bob, randomUUID()));
    expect(open).toBe(1);
    expect(statements() - open).toBe(1);

    // Once Ana has completed it, her card is the contact center's history: Bob may list and merge it.
    await services.calls.hangup('ana');
    await services.calls.completeAcw('ana', ana.id, { disposition: 'Resolved', notes: '' });
    const listed = await services.merging.findDuplicates('bob', bob.id, 'Maria Garcia');
    expect(listed.customer?.duplicates.map((d) => d.id)).toEqual([ana.customerId]);
    const merged = await services.merging.mergeCustomer('bob', bob.id, ana.customerId!);
    expect(merged.notice?.text).toMatch(/Merged Maria Garcia's card into this one: \+12065550142 and 1 interaction now belong to this customer/);
    expect(merged.customer?.interactions).toBe(2);
  });
});
