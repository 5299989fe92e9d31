import { SQLITE_STORE } from '../../support/stores.js';
import { describeCardContract } from '../cardContract.js';
import { seedThroughPort } from '../connectorContract.js';
import { connectorFor, engineConfigurations, NAMES, startServer } from './fixtures.js';

/**
 * The Customer Card's contract (test/crm/cardContract.ts, issue 11) on Salesforce: a call end to end through
 * the services, against the wire server, on the product's SQLite store.
 */
describeCardContract('Salesforce (local wire server)', async () => {
  const [store, server] = await Promise.all([SQLITE_STORE.open(), startServer(2)]);
  const connector = connectorFor(server);
  return {
    store,
    connector,
    configuration: engineConfigurations(server).configurations[0]!,
    seed: seedThroughPort(connector, NAMES),
    names: NAMES,
    dispose: async () => {
      await server.stop();
      await store.dispose();
    },
  };
});
