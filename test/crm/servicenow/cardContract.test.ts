import { createServiceNowConnector } from '../../../src/crm/servicenow/index.js';
import { SQLITE_STORE } from '../../support/stores.js';
import { cardConfiguration, describeCardContract } from '../cardContract.js';
import { seedThroughPort } from '../connectorContract.js';
import { connectorConfig, deps, NAMES, serverOptions } from './fixtures.js';
import { ServiceNowWireServer } from './wireServer.js';

/** The Customer Card's contract (test/crm/cardContract.ts, issue 11) on ServiceNow, against the local instance. */
describeCardContract('ServiceNow (local wire server)', async () => {
  const [store, server] = await Promise.all([SQLITE_STORE.open(), new ServiceNowWireServer(serverOptions()).start()]);
  const connector = createServiceNowConnector(connectorConfig(server), 'snow-card', deps());
  return {
    store,
    connector,
    configuration: cardConfiguration('servicenow'),
    seed: seedThroughPort(connector, NAMES),
    names: NAMES,
    dispose: async () => {
      await server.stop();
      await store.dispose();
    },
  };
});
