import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { STORE_BACKENDS } from '../support/stores.js';

describe.each(STORE_BACKENDS)('closing the store ($name)', (backend) => {
  // What hung product.stop() on PostgreSQL: the job worker's claim waited for a connection that pg-pool's
  // end() forgot, and stop() waited for the claim. Here a query is waiting when the store closes: it must
  // end (answered, or failed), not wait forever (the test would time out).
  it('ends a query that was waiting for a connection when the store closed', async () => {
    const fixture = await backend.open();
    const store = await openStore(fixture.productOptions);
    try {
      // The pool holds an idle connection, as a running product's does between its queries.
      await store.db.selectFrom('agents').select('id').execute();
      const waiting = store.db
        .selectFrom('agents')
        .select('id')
        .execute()
        .then(
          () => 'answered',
          (error: Error) => error.message,
        );
      await store.close();
      expect(await waiting).toMatch(/^answered$|closed|destroyed|not open/);
    } finally {
      await fixture.dispose();
    }
  });
});
