import { SQLITE_STORE } from '../../support/stores.js';
import { cardConfiguration, describeCardContract } from '../cardContract.js';
import { seedThroughPort } from '../connectorContract.js';
import { startWire, ZENDESK_NAMES, zendeskConnector } from './harness.js';

/** The Customer Card's contract (test/crm/cardContract.ts, issue 11) on Zendesk, against the local Zendesk. */
describeCardContract('Zendesk (local wire server)', async () => {
  const [store, wire] = await Promise.all([SQLITE_STORE.open(), startWire()]);
  const connector = zendeskConnector(wire);
  return {
    store,
    connector,
    configuration: cardConfiguration('zendesk', [{ source: 'agent.name', target: 'last_agent', recordTypes: ['user'] }]),
    seed: seedThroughPort(connector, ZENDESK_NAMES),
    names: ZENDESK_NAMES,
    dispose: async () => {
      await wire.close();
      await store.dispose();
    },
  };
});
