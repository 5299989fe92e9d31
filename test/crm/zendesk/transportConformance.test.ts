import { describeTransportConformance } from '../transportConformance.js';
import { startWire, zendeskConnector } from './harness.js';

describeTransportConformance(
  'Zendesk',
  async () => {
    const wire = await startWire();
    return {
      connector: (retry = {}) => zendeskConnector(wire, { config: { retry } }),
      oneRequest: async (crm) => {
        const organization = await crm.create('organization', { name: `Conformance ${Date.now()}` }, { signal: AbortSignal.timeout(10_000) });
        const send = (signal: AbortSignal) => crm.get({ type: 'organization', id: organization.id }, { signal });
        await send(AbortSignal.timeout(10_000)); // field definitions cached
        return send;
      },
      throttle: (status, retryAfter, times = 1) => wire.failNext(status, { retryAfter, times }),
      clearThrottles: () => wire.clearFailures(),
      apiRequests: () => wire.requests.length,
      messages: { tooLong: 'longer than this configuration waits' },
      close: () => wire.close(),
    };
  },
  // Zendesk API and OAuth tokens do not expire: there is nothing to renew (a rotated token: transport.test.ts).
  { expiringTokens: false },
);
