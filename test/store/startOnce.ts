// One instance's start-up, in a process of its own (startup.test.ts runs two at once): migrations, then the
// demo seed, as src/product.ts does them. Prints {"seeded": true|false}; exits 1 with the error on failure.
import { seedDemoData } from '../../src/crm/embedded/demoSeed.js';
import { openStore, type StoreOptions } from '../../src/store/database.js';

const options = JSON.parse(process.argv[2] ?? '{}') as StoreOptions;
try {
  const store = await openStore(options);
  try {
    const seeded = await seedDemoData(store.db, new Date(process.argv[3] ?? Date.now()));
    process.stdout.write(JSON.stringify({ seeded }));
  } finally {
    await store.close();
  }
} catch (error) {
  process.stderr.write(String((error as Error).stack ?? error));
  process.exitCode = 1;
}
