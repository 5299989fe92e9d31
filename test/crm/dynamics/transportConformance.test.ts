import { describeTransportConformance } from '../transportConformance.js';
import { connectorFor } from './connectorSetup.js';
import { DataverseWireServer } from './wireServer.js';

describeTransportConformance(
  'Dynamics 365',
  async () => {
    const server = await DataverseWireServer.start();
    return {
      connector: (retry = {}) => connectorFor(server, { config: { retry } }),
      oneRequest: async (crm) => {
        const account = await crm.create('account', { name: `Conformance ${Date.now()}` }, { signal: AbortSignal.timeout(10_000) });
        const send = (signal: AbortSignal) => crm.get({ type: 'account', id: account.id }, { signal });
        await send(AbortSignal.timeout(10_000)); // table definitions cached, token held
        return send;
      },
      throttle: (status, retryAfter, times = 1) => server.throttle(times, { status, retryAfter }),
      clearThrottles: () => server.unthrottle(),
      apiRequests: () => server.requests.length,
      tokens: { expire: () => server.revokeTokens(), requested: () => server.tokensIssued },
      messages: { exhausted: { 429: 'service protection' } },
      close: () => server.close(),
    };
  },
  { expiringTokens: true },
);
