import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

/**
 * The chaos run's own view of a trial's database, read directly (not through the product): the jobs
 * table, the interactions, and the embedded CRM's tables. SQL is written with `?` placeholders, which the
 * PostgreSQL side numbers.
 */
export interface AuditDb {
  rows<T>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** A trial's database: where the bots find it (DATA_DIR, DATABASE_URL) and how the harness reads it. */
export interface TrialStore {
  backend: 'sqlite' | 'postgres';
  /** The bots' DATA_DIR (SQLite's file lives there; on PostgreSQL only the tab cache does). */
  dataDir: string;
  /** Set for PostgreSQL: the bots' DATABASE_URL. */
  databaseUrl?: string;
  /** Opened once the first bot has created the schema. */
  open(): Promise<AuditDb>;
  /** Removes the folder, and drops the PostgreSQL database. */
  dispose(): Promise<void>;
}

const ROOT = join(tmpdir(), 'customer-card-chaos');

/** A fresh, empty store for one trial: a new folder (SQLite), or a new database on the local server. */
export async function freshStore(backend: 'sqlite' | 'postgres', name: string, baseUrl: string): Promise<TrialStore> {
  const dataDir = join(ROOT, name);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  if (backend === 'sqlite') {
    return {
      backend,
      dataDir,
      open: async () => sqliteReader(join(dataDir, 'customer-card.sqlite')),
      dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const database = name.replace(/[^a-z0-9_]/g, '_');
  await admin(baseUrl, `CREATE DATABASE ${database}`);
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  return {
    backend,
    dataDir,
    databaseUrl,
    open: async () => postgresReader(databaseUrl),
    dispose: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      await admin(baseUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    },
  };
}

/** Drops the databases an earlier run left behind (one stopped half-way). */
export async function dropLeftovers(baseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'chaos\\_%'");
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    return rows.length;
  } finally {
    await client.end();
  }
}

async function admin(baseUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Reads a SQLite file of the product's (read-only: the bots are its only writers). */
export function sqliteReader(file: string): AuditDb {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const statements = new Map<string, Database.Statement>();
  return {
    rows: async <T>(sql: string, params: unknown[] = []) => {
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, (statement = db.prepare(sql)));
      return statement.all(...params) as T[];
    },
    close: async () => {
      db.close();
    },
  };
}

/** Reads a PostgreSQL database of the product's; `schema` when it lives in one (the tests' stores). */
export function postgresReader(databaseUrl: string, schema?: string): AuditDb {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, ...(schema ? { options: `-c search_path=${schema.replace(/[^A-Za-z0-9_]/g, '')}` } : {}) });
  return {
    rows: async <T>(sql: string, params: unknown[] = []) => {
      let n = 0;
      const numbered = sql.replace(/\?/g, () => `$${++n}`);
      return (await pool.query(numbered, params)).rows as T[];
    },
    close: () => pool.end(),
  };
}
