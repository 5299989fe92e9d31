/**
 * Fills the embedded CRM with a large, realistic data set: `npm run seed -- --contacts 1000000`.
 *
 *   --contacts N      contacts to add (accounts: N/10, cases: 0.3·N, call activities: 0.2·N, leads: 0.02·N)
 *   --data-dir DIR    the product's DATA_DIR (default: $DATA_DIR or ./data); SQLite only
 *   --workers W       generator threads (default: the number of cores)
 *   --fresh           delete the database first (otherwise an already bulk-seeded database is refused)
 *
 * The database is created and migrated by the product's own openStore, the demo records are written by
 * the product's own seedDemoData, then the bulk rows are generated on worker threads (with the embedded
 * connector's recordName and recordKeys, so every phone, email, case number and reference is found the
 * way the connector finds it) and written here through better-sqlite3 prepared statements in large
 * transactions. Writes a summary to <data-dir>/seed-info.json.
 */
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { seedDemoData } from '../src/crm/embedded/demoSeed.js';
import { openStore } from '../src/store/database.js';
import { checkPlan, countOf, FIRST_CASE_NUMBER, generate, KINDS, planFor, type Batch, type SeedPlan } from './seed/generate.js';
import { runOnWorkers, type Task } from './seed/workers.js';

const CHUNK = 4000;
/** Rows per INSERT statement. */
const ROWS = 50;
/** Records per transaction. */
const COMMIT_EVERY = 250_000;
/** The indexes dropped during the bulk load and rebuilt after it (a sorted build beats random inserts). */
const REBUILT_INDEXES = ['crm_records_by_type_name', 'crm_record_keys_by_record', 'crm_activity_key_once', 'crm_case_number_once'];

export interface SeedSummary {
  contacts: number;
  plan: SeedPlan;
  records: number;
  keys: number;
  seconds: number;
  contactsPerSecond: number;
  recordsPerSecond: number;
  databaseBytes: number;
  workers: number;
  finishedAt: string;
}

function parse(): { contacts: number; dataDir: string; workers: number; fresh: boolean } {
  const { values } = parseArgs({
    options: {
      contacts: { type: 'string' },
      'data-dir': { type: 'string' },
      workers: { type: 'string' },
      fresh: { type: 'boolean', default: false },
    },
  });
  const contacts = Number(values.contacts);
  if (!Number.isInteger(contacts) || contacts < 1) {
    throw new Error('--contacts: give the number of contacts, such as --contacts 1000000');
  }
  const workers = values.workers === undefined ? availableParallelism() : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 0 || workers > 64) throw new Error('--workers: a whole number from 0 (generate on the writing thread) to 64');
  return { contacts, dataDir: resolve(values['data-dir'] ?? process.env.DATA_DIR ?? './data'), workers, fresh: values.fresh ?? false };
}

function format(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

async function main(): Promise<void> {
  const args = parse();
  const plan = planFor(args.contacts);
  checkPlan(plan);
  const file = join(args.dataDir, 'customer-card.sqlite');
  if (args.fresh) for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });

  const started = performance.now();
  // The product's own schema and demo records first.
  const store = await openStore({ dataDir: args.dataDir });
  try {
    const bulk = await store.db.selectFrom('crm_records').select('id').where('id', '=', 'con-b0000001').executeTakeFirst();
    if (bulk) throw new Error(`${file} is already bulk-seeded; use --fresh to start from an empty database`);
    await seedDemoData(store.db, new Date());
  } finally {
    await store.close();
  }

  const db = new Database(file);
  // A bulk load: no rollback journal, no fsync, a big page cache. A crash leaves a database to seed again.
  // (journal_mode OFF is refused in better-sqlite3's defensive mode; MEMORY keeps the journal off the disk.)
  db.pragma('journal_mode = DELETE');
  db.pragma('journal_mode = MEMORY');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1048576');
  db.pragma('temp_store = MEMORY');
  const indexSql = REBUILT_INDEXES.map((name) => {
    const row = db.prepare('SELECT sql FROM sqlite_master WHERE type = ? AND name = ?').get('index', name) as { sql: string } | undefined;
    if (!row) throw new Error(`index ${name} not found: has the schema changed? (scripts/seed.ts REBUILT_INDEXES)`);
    return row.sql;
  });
  for (const name of REBUILT_INDEXES) db.exec(`DROP INDEX ${name}`);

  // Many rows per statement: one call into SQLite per ROWS rows instead of per row.
  const recordColumns = '(id, type, name, name_lower, fields, created_at, updated_at)';
  const recordRows = (n: number) => db.prepare(`INSERT INTO crm_records ${recordColumns} VALUES ${Array(n).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')}`);
  // Keys go to a staging table first and into crm_record_keys at the end, in one transaction: inserted as
  // they come, between the records' periodic commits, each commit would write out again the pages of the
  // primary-key index that the random phones, emails and name words touched, and the load would crawl.
  db.exec('CREATE TEMP TABLE seed_keys (kind TEXT NOT NULL, value TEXT NOT NULL, record_id TEXT NOT NULL, record_type TEXT NOT NULL)');
  const keyRows = (n: number) => db.prepare(`INSERT INTO temp.seed_keys (kind, value, record_id, record_type) VALUES ${Array(n).fill('(?, ?, ?, ?)').join(', ')}`);
  const manyRecords = recordRows(ROWS);
  const oneRecord = recordRows(1);
  const manyKeys = keyRows(ROWS);
  const oneKey = keyRows(1);
  const write = (batch: Batch) => {
    const values: string[] = [];
    for (let r = 0; r < batch.ids.length; r++) {
      const name = batch.names[r]!;
      values.push(batch.ids[r]!, batch.types[r]!, name, name.toLowerCase(), batch.fields[r]!, batch.created[r]!, batch.created[r]!);
      if (values.length === 7 * ROWS) {
        manyRecords.run(values);
        values.length = 0;
      }
    }
    for (let v = 0; v < values.length; v += 7) oneRecord.run(values.slice(v, v + 7));
    values.length = 0;
    for (let k = 0; k < batch.keyKinds.length; k++) {
      values.push(batch.keyKinds[k]!, batch.keyValues[k]!, batch.keyRecordIds[k]!, batch.keyRecordTypes[k]!);
      if (values.length === 4 * ROWS) {
        manyKeys.run(values);
        values.length = 0;
      }
    }
    for (let v = 0; v < values.length; v += 4) oneKey.run(values.slice(v, v + 4));
  };

  const tasks: Task[] = [];
  for (const kind of KINDS) {
    const total = countOf(plan, kind);
    for (let from = 0; from < total; from += CHUNK) tasks.push({ kind, from, to: Math.min(total, from + CHUNK) });
  }
  const totalRecords = KINDS.reduce((sum, kind) => sum + countOf(plan, kind), 0);
  process.stdout.write(
    `seeding ${file}: ${format(plan.contacts)} contacts, ${format(plan.accounts)} accounts, ${format(plan.cases)} cases, ` +
      `${format(plan.tasks)} call activities, ${format(plan.leads)} leads on ${args.workers} worker thread(s)\n`,
  );

  let records = 0;
  let keys = 0;
  let contacts = 0;
  let lastReport = performance.now();
  const loadStarted = performance.now();
  let uncommitted = 0;
  db.exec('BEGIN');
  const consume = (task: Task, batch: Batch) => {
    write(batch);
    uncommitted += batch.ids.length;
    // Few, large transactions: each commit writes out every page it dirtied.
    if (uncommitted >= COMMIT_EVERY) {
      db.exec('COMMIT');
      db.exec('BEGIN');
      uncommitted = 0;
    }
    records += batch.ids.length;
    keys += batch.keyKinds.length;
    if (task.kind === 'contact') contacts += batch.ids.length;
    const now = performance.now();
    if (now - lastReport > 2000) {
      lastReport = now;
      const seconds = (now - loadStarted) / 1000;
      process.stdout.write(
        `  ${format(records)} / ${format(totalRecords)} records (${format(contacts)} contacts), ${format(keys)} keys, ` + `${seconds.toFixed(1)} s, ${format(records / seconds)} records/s\n`,
      );
    }
  };
  if (args.workers === 0) for (const task of tasks) consume(task, generate(plan, task.kind, task.from, task.to));
  else await runOnWorkers(plan, args.workers, tasks, consume);

  db.exec('COMMIT');
  const indexStarted = performance.now();
  process.stdout.write(`  generated and staged in ${((indexStarted - loadStarted) / 1000).toFixed(1)} s; writing keys and rebuilding indexes\n`);
  db.exec('BEGIN');
  // Each statement of this stretch (half the time at 1M contacts) says what it took, with its CPU time (this
  // thread's alone by now), steadier than the wall clock on a shared machine.
  const step = (label: string, statement: string) => {
    const stepStarted = performance.now();
    const cpuStarted = process.cpuUsage();
    db.exec(statement);
    const cpu = process.cpuUsage(cpuStarted);
    process.stdout.write(`    ${label} in ${((performance.now() - stepStarted) / 1000).toFixed(1)} s (CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s)\n`);
  };
  // As the connector's insertKeys: a repeat of the same key is ignored. In the order they were staged (by
  // record), not sorted first: within one transaction the primary-key index stays in the page cache, where an
  // insert out of order costs about what one in order does, and sorting 8.5 million keys (1M contacts) cost
  // more than the inserts; the index by record then gets its input almost in order.
  step(
    'keys written',
    'INSERT INTO crm_record_keys (kind, value, record_id, record_type) SELECT kind, value, record_id, record_type FROM temp.seed_keys WHERE true ON CONFLICT (kind, value, record_id) DO NOTHING',
  );
  step('staging dropped', 'DROP TABLE temp.seed_keys');
  for (const [i, sql] of indexSql.entries()) step(`index ${REBUILT_INDEXES[i]!} rebuilt`, sql);
  // Case numbers handed out later continue after the bulk cases (the counter never revisits taken numbers).
  db.prepare('UPDATE crm_sequences SET value = MAX(value, ?) WHERE name = ?').run(FIRST_CASE_NUMBER + plan.cases, 'case');
  db.exec('COMMIT');
  process.stdout.write(`  keys written and indexes rebuilt in ${((performance.now() - indexStarted) / 1000).toFixed(1)} s\n`);
  db.pragma('journal_mode = WAL');
  db.close();

  const seconds = (performance.now() - started) / 1000;
  const { size } = statSync(file);
  const summary: SeedSummary = {
    contacts: plan.contacts,
    plan,
    records,
    keys,
    seconds: Math.round(seconds * 100) / 100,
    contactsPerSecond: Math.round(plan.contacts / seconds),
    recordsPerSecond: Math.round(records / seconds),
    databaseBytes: size,
    workers: args.workers,
    finishedAt: new Date().toISOString(),
  };
  writeFileSync(join(args.dataDir, 'seed-info.json'), `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(
    `seeded ${format(records)} records and ${format(keys)} keys in ${seconds.toFixed(1)} s ` +
      `(${format(summary.recordsPerSecond)} records/s, ${format(summary.contactsPerSecond)} contacts/s); ` +
      `database ${(size / 1024 / 1024).toFixed(0)} MB${existsSync(`${file}-wal`) ? ' (+ WAL)' : ''}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
