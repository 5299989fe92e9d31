import { createServiceNowConnector } from '../../../src/crm/servicenow/index.js';
import { describeTransportConformance } from '../transportConformance.js';
import { connectorConfig, deps, serverOptions } from './fixtures.js';
import { ServiceNowWireServer } from './wireServer.js';

describeTransportConformance(
  'ServiceNow',
  async () => {
    const server = await new ServiceNowWireServer(serverOptions()).start();
    return {
      connector: (retry = {}) => createServiceNowConnector(connectorConfig(server, { retry }), 'snow-conformance', deps()),
      oneRequest: async (crm) => {
        const account = await crm.create('customer_account', { name: `Conformance ${Date.now()}` }, { signal: AbortSignal.timeout(10_000) });
        const send = (signal: AbortSignal) => crm.get({ type: 'customer_account', id: account.id }, { signal });
        await send(AbortSignal.timeout(10_000)); // table definitions cached, token held
        return send;
      },
      throttle: (status, retryAfter, times = 1) => server.throttleNext(times, status, retryAfter),
      clearThrottles: () => {
        server.nextFailures.length = 0;
      },
      apiRequests: () => server.requestCount(),
      tokens: { expire: () => server.expireAccessTokens(), requested: () => server.tokenRequests.length },
      close: () => server.stop(),
    };
  },
  { expiringTokens: true },
);
