import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect, type Migration } from 'kysely';
import { closablePool } from './closablePool.js';
import { inExclusiveTransaction } from './exclusiveTransaction.js';
import type { Database } from './schema.js';
import { withStatementCache } from './statementCache.js';
import * as initial from './migrations/001_initial.js';
import * as caseNumbers from './migrations/002_case_numbers.js';
import * as livingCards from './migrations/003_living_cards.js';
import * as cardMemory from './migrations/004_card_memory.js';
import * as customers from './migrations/005_customers.js';
import * as lookupIndexes from './migrations/006_lookup_indexes.js';
import * as jobSubjects from './migrations/007_job_subjects.js';
import * as jobOrder from './migrations/008_job_order_and_owners.js';
import * as deliveredActivities from './migrations/009_delivered_activities.js';
import * as acdEvents from './migrations/010_acd_events.js';
import * as nameWords from './migrations/012_name_words.js';
import * as acdWebhook from './migrations/013_acd_webhook_deliveries.js';
import * as canonicalLinks from './migrations/014_canonical_links.js';
import * as agentTimeZone from './migrations/015_agent_time_zone.js';
import * as acdOutboundTargets from './migrations/016_acd_outbound_targets.js';
import * as jobColumns from './migrations/017_job_columns.js';
import * as cardRevisions from './migrations/018_card_revisions.js';
import * as digital from './migrations/019_digital.js';
import * as digitalThreads from './migrations/021_digital_threads.js';
import * as wfm from './migrations/022_wfm.js';
import * as wfmRollups from './migrations/023_wfm_rollups.js';
import * as wfmRollupCursor from './migrations/024_wfm_rollup_cursor.js';
import * as wideLogIds from './migrations/025_wide_log_ids.js';
import * as rateAllowances from './migrations/026_rate_allowances.js';
import * as staleCards from './migrations/027_stale_cards.js';
import * as acdWaitingContacts from './migrations/028_acd_waiting_contacts.js';
import * as openInteractions from './migrations/029_open_interactions.js';
import * as customerHistory from './migrations/030_customer_history.js';
import * as recordHistory from './migrations/031_record_history.js';
import * as supervisionReads from './migrations/032_supervision_reads.js';
import { startWalCheckpointer } from './walCheckpointer.js';

export type Dialect = 'sqlite' | 'postgres';

export interface StoreOptions {
  /** Postgres connection string; when absent, a SQLite file under dataDir. */
  databaseUrl?: string;
  dataDir: string;
  /** Postgres schema to use (tests isolate themselves with one); defaults to the server's search_path. */
  pgSchema?: string;
  /** SQLite: checkpoint the write-ahead log on a worker thread (walCheckpointer.ts), as the running product does; else on commit. */
  checkpointInBackground?: boolean;
}

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The Postgres schema in use, when one was named. */
  schema?: string;
  close(): Promise<void>;
}

const migrations: Record<string, Migration> = {
  '001_initial': initial,
  '002_case_numbers': caseNumbers,
  '003_living_cards': livingCards,
  '004_card_memory': cardMemory,
  '005_customers': customers,
  '006_lookup_indexes': lookupIndexes,
  '007_job_subjects': jobSubjects,
  '008_job_order_and_owners': jobOrder,
  '009_delivered_activities': deliveredActivities,
  '010_acd_events': acdEvents,
  '012_name_words': nameWords,
  '013_acd_webhook_deliveries': acdWebhook,
  '014_canonical_links': canonicalLinks,
  '015_agent_time_zone': agentTimeZone,
  '016_acd_outbound_targets': acdOutboundTargets,
  '017_job_columns': jobColumns,
  '018_card_revisions': cardRevisions,
  '019_digital': digital,
  '021_digital_threads': digitalThreads,
  '022_wfm': wfm,
  '023_wfm_rollups': wfmRollups,
  '024_wfm_rollup_cursor': wfmRollupCursor,
  '025_wide_log_ids': wideLogIds,
  '026_rate_allowances': rateAllowances,
  '027_stale_cards': staleCards,
  '028_acd_waiting_contacts': acdWaitingContacts,
  '029_open_interactions': openInteractions,
  '030_customer_history': customerHistory,
  '031_record_history': recordHistory,
  '032_supervision_reads': supervisionReads,
};

/** The names of every migration, in order (what a database brought up to date has run). */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations);

/**
 * Opens the database and brings its schema up to date. SQLite is created on first use. Instances started at
 * once on one database migrate one after the other: the later ones find the schema up to date.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const store = options.databaseUrl ? await openPostgres(options.databaseUrl, options.pgSchema) : await openSqlite(options.dataDir, options.checkpointInBackground === true);
  for (let attempt = 1; ; attempt++) {
    try {
      await inExclusiveTransaction(store.db, `customer-card:migrations:${store.schema ?? ''}`, (trx) => migrate(trx, store.schema));
      return store;
    } catch (error) {
      if (attempt < 5 && isOtherSchemaDropped(error, store.schema)) continue;
      await store.close();
      throw error;
    }
  }
}

/**
 * Kysely's migrator lists every table of the database (pg_get_serial_sequence on each), which fails when
 * another schema, or a table of it, is dropped meanwhile (tests drop theirs in parallel): "schema "t_…" does
 * not exist", "relation "t_….acd_events" does not exist", or a column of a table another schema's migration is
 * rewriting. The transaction was rolled back, so running it again is safe.
 */
export function isOtherSchemaDropped(error: unknown, ownSchema: string | undefined): boolean {
  const message = (error as Error)?.message ?? '';
  // The migrator's own read (no migration of ours named) met a table that another schema's migration was changing
  // meanwhile (025 widens columns, which rewrites the table): seen with two test files migrating at once.
  if (/^database migration {2}failed: column "[^"]+" of relation "[^"]+" does not exist/.test(message)) return true;
  const schema = /schema "([^"]+)" does not exist/.exec(message)?.[1] ?? /relation "([^".]+)\.[^"]+" does not exist/.exec(message)?.[1];
  return !!schema && schema !== ownSchema;
}

/** Runs the migrations not run yet, all in the caller's transaction: a failed one leaves the schema as it was. */
async function migrate(trx: Kysely<Database>, schema: string | undefined): Promise<void> {
  if (schema) await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${schema}`).execute(trx);
  const migrator = new Migrator({
    db: trx,
    provider: { getMigrations: async () => migrations },
    disableTransactions: true,
    // Named explicitly: Kysely otherwise finds another schema's migration tables in the same database.
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error)?.message ?? error}`);
  }
}

async function openSqlite(dataDir: string, checkpointInBackground: boolean): Promise<Store> {
  mkdirSync(dataDir, { recursive: true });
  // Each driver is loaded only when chosen, so a Postgres deployment never loads the native SQLite module.
  const { default: BetterSqlite } = await import('better-sqlite3');
  const sqlite = new BetterSqlite(join(dataDir, 'customer-card.sqlite'));
  // First: another instance starting on the same file may hold the lock that switching to WAL needs.
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  // A savepoint's journal and a sort stay in memory rather than spilling to a temp file (the embedded CRM
  // groups its writes in savepoints; our sorts are of a few thousand rows at most).
  sqlite.pragma('temp_store = MEMORY');
  const checkpointer = checkpointInBackground ? startWalCheckpointer(sqlite) : undefined;
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    async close() {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

async function openPostgres(url: string, schema?: string): Promise<Store> {
  const { default: pg } = await import('pg');
  const safeSchema = schema?.replace(/[^A-Za-z0-9_]/g, '');
  // bigint (int8) comes as text from pg; ids and counters are read as numbers, as SQLite gives them (exact up to 2^53).
  const int8 = (text: string) => Number(text);
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === pg.types.builtins.INT8 && format !== 'binary' ? int8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
    ...(safeSchema ? { options: `-c search_path=${safeSchema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: closablePool(pool) }) });
  return { db, dialect: 'postgres', schema: safeSchema, close: () => db.destroy() };
}
