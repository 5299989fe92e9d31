import type { PostgresPool, PostgresPoolClient } from 'kysely';

/**
 * A pg pool whose end() also fails the connections still being waited for. pg-pool's end() forgets a
 * connect() queued before it (never calling it back), so whatever awaited that connection (the job worker's
 * claim, say) waited forever, and so did whoever waited for it to finish (product.stop()).
 */
export function closablePool(pool: PostgresPool): PostgresPool {
  const waiting = new Set<(error: Error) => void>();
  return {
    connect: () =>
      new Promise<PostgresPoolClient>((resolve, reject) => {
        let settled = false;
        const fail = (error: Error) => {
          settled = true;
          reject(error);
        };
        waiting.add(fail);
        pool.connect().then(
          (client) => {
            waiting.delete(fail);
            // Failed already by end(): the connection is given back rather than kept by nobody.
            if (settled) client.release();
            else resolve(client);
          },
          (error: unknown) => {
            waiting.delete(fail);
            reject(error);
          },
        );
      }),
    async end() {
      try {
        await pool.end();
      } finally {
        for (const fail of waiting) fail(new Error('the database was closed while this waited for a connection'));
        waiting.clear();
      }
    },
  };
}
