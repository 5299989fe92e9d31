import { PostgresAdapter, sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from './db.js';
import { toContactLogEntry, toStateLogEntry } from './wfmLogRepository.js';
import { rollUpContactSteps, rollUpStateEntries } from './wfmRollupRepository.js';

/**
 * Brings the workforce rollups up to date with the logs (issue 12: a log append writes its row alone). The log
 * rows not yet rolled up are applied in id order, a batch per transaction, and the same transaction moves each
 * log's cursor (wfm_rollup_cursor, migration 024): a batch that fails changes nothing, and the next catch-up
 * takes it again. Catch-ups take turns on the cursor rows (FOR UPDATE on PostgreSQL; SQLite's transactions are
 * serial), so two instances never apply an entry twice.
 *
 * Out-of-order commits (PostgreSQL): an id is taken when the row is inserted, so id 11 may commit before id 10,
 * and a cursor moved past 11 would never see 10. A catch-up therefore first settles a horizon: the largest id
 * it sees, once every transaction that was inserting into a log when it looked has ended (each holds a ROW
 * EXCLUSIVE lock on the log from its insert to its end, listed in pg_locks). Every id up to the horizon is then
 * committed or gone for good (rolled back, or taken by an insert that met a duplicate event key). Nobody waits
 * for the catch-up: it only looks at the locks, and waits for those appends alone.
 */

/** Log rows of each log per transaction: a few seconds of a busy site's appends. */
const BATCH = 5000;
/** Appends are short transactions: one still inserting after this long is stuck, and the rollups cannot pass it. */
const WRITERS_WAIT_MS = 10_000;

interface Ids {
  states: number;
  steps: number;
}

/** Rolls up every log row committed before the call; returns how many log rows it rolled up. `batch`: rows of each log per transaction (tests take small ones). */
export async function catchUpRollups(db: Db, options: { batch?: number } = {}): Promise<number> {
  const horizon = await settledHorizon(db);
  if (!horizon) return 0;
  const size = options.batch ?? BATCH;
  let applied = 0;
  for (;;) {
    const batch = db.isTransaction ? await catchUpBatch(db, horizon, size) : await db.transaction().execute((trx) => catchUpBatch(trx, horizon, size));
    applied += batch.applied;
    if (batch.done) return applied;
  }
}

const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;

/** The ids every row up to which is settled, or undefined when the cursors are there already. */
async function settledHorizon(db: Db): Promise<Ids | undefined> {
  const postgres = isPostgres(db);
  // On PostgreSQL the appends inserting into a log as this statement runs (after its snapshot): those whose ids may be below the largest seen.
  const writers = postgres
    ? sql<string[]>`array(select distinct virtualtransaction from pg_locks where locktype = 'relation' and mode = 'RowExclusiveLock'
        and relation in (to_regclass('agent_state_log'), to_regclass('contact_log')) and pid is distinct from pg_backend_pid())`
    : sql<string[]>`null`;
  const { rows } = await sql<{ states: number; steps: number; states_done: number; steps_done: number; writers: string[] | null }>`
    select (select coalesce(max(id), 0) from agent_state_log) as states, (select coalesce(max(id), 0) from contact_log) as steps,
      (select last_id from wfm_rollup_cursor where log = 'agent_state_log') as states_done, (select last_id from wfm_rollup_cursor where log = 'contact_log') as steps_done,
      ${writers} as writers`.execute(db);
  const seen = rows[0]!;
  if (seen.states_done === null || seen.steps_done === null) throw new Error('wfm_rollup_cursor: a log has no cursor row (migration 024)');
  // Every id up to a cursor is settled already, so appends in flight now hold larger ids than these: nothing to wait for.
  if (Number(seen.states) <= Number(seen.states_done) && Number(seen.steps) <= Number(seen.steps_done)) return undefined;
  await appendsEnded(db, seen.writers ?? []);
  return { states: Number(seen.states), steps: Number(seen.steps) };
}

/** Waits until these transactions (PostgreSQL virtual transaction ids) have ended: each holds the lock on its own id until then. */
async function appendsEnded(db: Db, writers: string[]): Promise<void> {
  const deadline = Date.now() + WRITERS_WAIT_MS;
  let waiting = writers;
  while (waiting.length > 0) {
    const { rows } = await sql<{ id: string }>`select virtualxid as id from pg_locks where locktype = 'virtualxid' and virtualxid = any(${waiting})`.execute(db);
    waiting = rows.map((row) => row.id);
    if (waiting.length === 0) return;
    if (Date.now() > deadline) throw new Error(`workforce rollups: ${waiting.length} log append(s) still in flight after ${WRITERS_WAIT_MS} ms; the rollups wait for them`);
    await sleep(2);
  }
}

/** One transaction: the cursors locked, the next rows of each log up to the horizon rolled up, the cursors moved past them. */
async function catchUpBatch(trx: Db, horizon: Ids, size: number): Promise<{ applied: number; done: boolean }> {
  const cursors = await trx
    .selectFrom('wfm_rollup_cursor')
    .select(['log', 'last_id'])
    .where('log', 'in', ['agent_state_log', 'contact_log'])
    .orderBy('log')
    .$if(isPostgres(trx), (q) => q.forUpdate())
    .execute();
  const done = new Map(cursors.map((row) => [row.log, Number(row.last_id)]));
  const statesDone = done.get('agent_state_log') ?? 0;
  const stepsDone = done.get('contact_log') ?? 0;
  const states = await trx.selectFrom('agent_state_log').selectAll().where('id', '>', statesDone).where('id', '<=', horizon.states).orderBy('id').limit(size).execute();
  const steps = await trx.selectFrom('contact_log').selectAll().where('id', '>', stepsDone).where('id', '<=', horizon.steps).orderBy('id').limit(size).execute();
  if (states.length === 0 && steps.length === 0) return { applied: 0, done: true };
  await rollUpStateEntries(
    trx,
    states.map((row) => ({ id: row.id, entry: toStateLogEntry(row) })),
  );
  await rollUpContactSteps(
    trx,
    steps.map((row) => ({ id: row.id, entry: toContactLogEntry(row) })),
  );
  // A batch short of full reached the horizon: the ids between its last row and the horizon are gone for good.
  const reached = (rows: Array<{ id: number }>, before: number, upTo: number) => (rows.length === size ? rows.at(-1)!.id : Math.max(before, upTo));
  await trx
    .insertInto('wfm_rollup_cursor')
    .values([
      { log: 'agent_state_log', last_id: reached(states, statesDone, horizon.states) },
      { log: 'contact_log', last_id: reached(steps, stepsDone, horizon.steps) },
    ])
    .onConflict((oc) => oc.column('log').doUpdateSet((eb) => ({ last_id: eb.ref('excluded.last_id') })))
    .execute();
  return { applied: states.length + steps.length, done: states.length < size && steps.length < size };
}
