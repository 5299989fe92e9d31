import { describeTransportConformance } from '../transportConformance.js';
import { connectorFor, FAST_RETRY, silent, startServer } from './fixtures.js';

describeTransportConformance(
  'Salesforce',
  async () => {
    const server = await startServer(2);
    return {
      connector: (retry = {}) => connectorFor(server, undefined, silent, { retry: { ...FAST_RETRY, ...retry } }),
      oneRequest: async (crm) => {
        const contact = await crm.create('Contact', { LastName: `Conformance ${Date.now()}` }, { signal: AbortSignal.timeout(10_000) });
        const send = (signal: AbortSignal) => crm.get({ type: 'Contact', id: contact.id }, { signal });
        await send(AbortSignal.timeout(10_000)); // describes cached, token held
        return send;
      },
      throttle: (status, retryAfter, times = 1) =>
        server.failNext(
          ...Array.from({ length: times }, () =>
            status === 429
              ? { status, errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'Too many requests', retryAfter }
              : { status, errorCode: 'SERVER_UNAVAILABLE', message: 'Server temporarily unavailable', retryAfter },
          ),
        ),
      clearThrottles: () => server.clearFaults(),
      // The describes (labels, picklists) are read once per type and cached: not counted.
      apiRequests: () => server.dataRequests().filter((r) => !r.path.endsWith('/describe')).length,
      tokens: { expire: () => server.expireTokens(), requested: () => server.tokenRequests.length },
      messages: { exhausted: { 503: 'Salesforce is unavailable (HTTP 503: SERVER_UNAVAILABLE)' }, tooLong: 'REQUEST_LIMIT_EXCEEDED' },
      close: () => server.stop(),
    };
  },
  { expiringTokens: true },
);
