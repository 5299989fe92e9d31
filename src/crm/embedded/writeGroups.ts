import { sql, SqliteAdapter, type Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';

/**
 * One write of the embedded CRM: everything it does goes through `trx` (a transaction, or the connection a
 * group's transaction holds), never through the Kysely instance.
 */
export type Write<T> = (trx: Kysely<Database>) => Promise<T>;

/** Runs each write in a transaction of its own, or those that arrive together in one (SQLite). */
export interface WriteRunner {
  run<T>(write: Write<T>): Promise<T>;
  /**
   * Whether a write that reads a row to change it must lock the row as it reads (SELECT … FOR UPDATE):
   * on Postgres, yes; on SQLite the write's transaction holds the database's write lock from its start.
   */
  readonly locksRowsOnRead: boolean;
}

/** How the embedded CRM's writes reach the database: grouped on SQLite, one transaction each on Postgres. */
export function writeRunnerFor(db: Kysely<Database>): WriteRunner {
  // Postgres commits concurrent transactions of its pool together by itself, and one group holding one
  // connection would make every write of the group wait for the slowest row lock.
  return db.getExecutor().adapter instanceof SqliteAdapter ? new WriteGroups(db) : { run: (write) => db.transaction().execute(write), locksRowsOnRead: true };
}

/** Writes per transaction at most: a bigger burst runs as several groups, so readers wait for none long. */
const GROUP_LIMIT = 64;

interface Pending {
  write: Write<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * SQLite: the writes that arrive in the same turn of the event loop (the job worker's lanes) run in one
 * transaction, each in a savepoint of its own, so that one COMMIT serves them all. A COMMIT writes every
 * page its transaction changed to the WAL; writes that append to the same pages (new activities' records
 * and keys, at the end of indexes on ids that grow with time) write those pages once per group, not once
 * each (ACW burst at 1M contacts: half the WAL frames per job).
 *
 * What a write sees and guarantees does not change: a write that fails is rolled back to its savepoint and
 * leaves the others of its group untouched; every write's promise settles only after the COMMIT, so no
 * caller takes a write for done before it is durable; if the COMMIT fails, every write of the group fails
 * (and nothing of it is written). SQLite has one connection, which the transaction holds until it ends: a
 * write must use only the `trx` it is given (the Kysely instance would wait for that connection forever).
 */
export class WriteGroups implements WriteRunner {
  readonly locksRowsOnRead = false;
  private waiting: Pending[] = [];

  constructor(private readonly db: Kysely<Database>) {}

  run<T>(write: Write<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ write, resolve: resolve as (value: unknown) => void, reject });
      if (this.waiting.length === 1) setImmediate(() => void this.runGroup());
    });
  }

  private async runGroup(): Promise<void> {
    const group = this.waiting.splice(0, GROUP_LIMIT);
    // The rest form the next group, which starts when this one has the connection no more.
    if (this.waiting.length > 0) setImmediate(() => void this.runGroup());
    if (group.length === 0) return;
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      await this.db.connection().execute(async (connection) => {
        // IMMEDIATE: the write lock is taken at BEGIN, not at the first write, so that a write that reads a row
        // to change it reads what no other process (another instance on the same file) can change meanwhile.
        await sql`begin immediate`.execute(connection);
        try {
          for (const { write } of group) {
            await sql`savepoint write`.execute(connection);
            try {
              outcomes.push({ ok: true, value: await write(connection) });
            } catch (error) {
              await sql`rollback to savepoint write`.execute(connection);
              outcomes.push({ ok: false, error });
            }
            await sql`release savepoint write`.execute(connection);
          }
          await sql`commit`.execute(connection);
        } catch (error) {
          // A savepoint statement or the COMMIT failed: the group is rolled back, and none of its writes is done.
          await sql`rollback`.execute(connection).catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      for (const pending of group) pending.reject(error);
      return;
    }
    group.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
  }
}
