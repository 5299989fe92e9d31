import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditWrites, measureTakeover, memorializedFields, runningJobs } from '../../bench/chaos/audit.js';
import { isLeftover, postgresReader, sqliteReader, type AuditDb } from '../../bench/chaos/store.js';
import { insertRecord } from '../../src/crm/embedded/recordStore.js';
import type { Interaction } from '../../src/domain/interaction.js';
import { upsertAgent } from '../../src/store/agentsRepository.js';
import { insertInteraction } from '../../src/store/interactionsRepository.js';
import { putRecordLinks } from '../../src/store/interactionRecordsRepository.js';
import { enqueueJobs } from '../../src/store/jobsRepository.js';
import { STORE_BACKENDS, TEST_DATABASE_URL, type TestStore } from '../support/stores.js';
import { timelineJob } from '../jobs/jobFixtures.js';

const NOW = new Date('2026-12-01T10:00:00.000Z');

function call(id: string, minute: number, disposition: string): Interaction {
  const at = (s: number) => new Date(NOW.getTime() + minute * 60_000 + s * 1000).toISOString();
  return {
    id,
    agentId: 'agent-1',
    channel: 'voice',
    ani: '+12065550100',
    state: 'completed',
    configurationId: 'demo',
    matchState: 'single',
    startedAt: at(0),
    endedAt: at(30),
    completedAt: at(40),
    disposition,
    notes: null,
    customerId: null,
  };
}

/** The chaos run's audit must fail when a write is lost, doubled or stale, and pass when none is. */
describe.each(STORE_BACKENDS)('chaos run audit ($name)', ({ name, open }) => {
  let store: TestStore;
  let reader: AuditDb;

  beforeEach(async () => {
    store = await open();
    reader = name === 'sqlite' ? sqliteReader(join(store.productOptions.dataDir, 'customer-card.sqlite')) : postgresReader(TEST_DATABASE_URL, store.productOptions.pgSchema);
  });
  afterEach(async () => {
    await reader.close();
    await store.dispose();
  });

  it('counts lost and doubled timeline activities and stale memorialized fields, from the tables', async () => {
    const { db } = store;
    const older = call('00000000-0000-4000-8000-000000000001', 0, 'Resolved');
    const newer = call('00000000-0000-4000-8000-000000000002', 5, 'Escalated');
    await upsertAgent(db, 'agent-1', 'Agent One', NOW.toISOString());
    await insertInteraction(db, older);
    await insertInteraction(db, newer);
    for (const id of ['c1', 'c2', 'c3']) await insertRecord(db, 'contact', { lastName: id }, NOW, id);
    const link = (i: Interaction, recordId: string) => ({ interactionId: i.id, recordType: 'contact', recordId, linked: true, origin: 'ani' as const, label: recordId, fields: {} });
    await putRecordLinks(db, [link(older, 'c1'), link(newer, 'c1'), link(older, 'c2'), link(newer, 'c3')]);
    const task = (i: Interaction, recordId: string) => insertRecord(db, 'task', { subject: 'Inbound call', interactionId: i.id, regardingType: 'contact', regardingId: recordId }, NOW);
    // c1: the newer call's activity twice; c2: the older call's activity missing; c3: as it should be.
    await task(older, 'c1');
    await task(newer, 'c1');
    await task(newer, 'c1');
    await task(newer, 'c3');
    const memorialize = (recordId: string, i: Interaction) =>
      db
        .updateTable('crm_records')
        .set({ fields: JSON.stringify({ lastName: recordId, ...memorializedFields('contact', { ...toRow(i) }, 'Agent One') }) })
        .where('id', '=', recordId)
        .execute();
    // c1 holds the older call's fields although the newer one is linked to it too: stale.
    await memorialize('c1', older);
    await memorialize('c2', older);
    await memorialize('c3', newer);

    const audit = await auditWrites(reader);
    expect(audit).toMatchObject({ completedInteractions: 2, pairs: 4, lost: 1, doubled: 1, records: 3, stale: 1, ambiguousOrder: 0 });
    expect(audit.examples.join('\n')).toContain(`stale: contact c1 has lastContactAt=${older.endedAt}`);

    await memorialize('c1', newer);
    expect((await auditWrites(reader)).stale).toBe(0);
  });

  it("takes the jobs whose attempts rose after the kill for the dead worker's, and times their takeover", async () => {
    const { db } = store;
    await enqueueJobs(
      db,
      [1, 2, 3].map((n) => timelineJob(`k${n}`)),
      NOW.toISOString(),
    );
    const lease = new Date(NOW.getTime() + 60_000).toISOString();
    await db.updateTable('jobs').set({ status: 'running', attempts: 1, lease_until: lease }).where('subject', 'in', ['k1', 'k2']).execute();
    const killedAt = NOW.getTime();
    const atKill = (await runningJobs(reader)).map((j) => ({ ...j, id: Number(j.id), attempts: Number(j.attempts) }));
    expect(atKill).toHaveLength(2);
    // k1: the dead worker's, claimed again and done 61 s after the kill; k2: the live worker's own.
    await db
      .updateTable('jobs')
      .set({ status: 'done', attempts: 2, finished_at: new Date(killedAt + 61_000).toISOString() })
      .where('subject', '=', 'k1')
      .execute();
    await db
      .updateTable('jobs')
      .set({ status: 'done', finished_at: new Date(killedAt + 50).toISOString() })
      .where('subject', '=', 'k2')
      .execute();
    expect(await measureTakeover(reader, atKill, killedAt)).toEqual({ leasedAtKill: 2, orphaned: 1, ms: 61_000, notTakenOver: 0, leaseLeftMs: 60_000 });

    await db.updateTable('jobs').set({ status: 'running', attempts: 3, finished_at: null }).where('subject', '=', 'k1').execute();
    expect(await measureTakeover(reader, atKill, killedAt)).toMatchObject({ orphaned: 1, ms: null, notTakenOver: 1 });
  });
});

describe('chaos run leftovers', () => {
  it('drops only databases of runs started a day ago or more, never one that may still be running', () => {
    const now = Date.UTC(2026, 11, 6, 16, 0);
    const name = (startedAt: number) => `chaos_${startedAt.toString(36)}_postgres_3`;
    expect(isLeftover(name(now - 25 * 3600_000), now)).toBe(true);
    expect(isLeftover(name(now - 10 * 60_000), now)).toBe(false);
    expect(isLeftover('chaos_notarun', now)).toBe(false);
  });
});

function toRow(i: Interaction) {
  return { id: i.id, agent_id: i.agentId, ani: i.ani, channel: i.channel, started_at: i.startedAt, ended_at: i.endedAt, completed_at: i.completedAt, disposition: i.disposition, notes: i.notes };
}
