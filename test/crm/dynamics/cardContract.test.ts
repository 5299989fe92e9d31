import { SQLITE_STORE } from '../../support/stores.js';
import { cardConfiguration, describeCardContract } from '../cardContract.js';
import { seedThroughPort } from '../connectorContract.js';
import { connectorFor, NAMES } from './connectorSetup.js';
import { DataverseWireServer } from './wireServer.js';

/** The Customer Card's contract (test/crm/cardContract.ts, issue 11) on Dynamics 365, against the local Dataverse. */
describeCardContract('Dynamics 365 (local wire server)', async () => {
  const [store, server] = await Promise.all([SQLITE_STORE.open(), DataverseWireServer.start()]);
  const connector = connectorFor(server);
  return {
    store,
    connector,
    configuration: cardConfiguration('dynamics'),
    seed: seedThroughPort(connector, NAMES),
    names: NAMES,
    dispose: async () => {
      await server.close();
      await store.dispose();
    },
  };
});
