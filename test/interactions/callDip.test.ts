import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CrmConnector } from '../../src/crm/port.js';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { newInteraction } from '../../src/domain/interaction.js';
import { CallDipPrefetch } from '../../src/interactions/callDip.js';
import { buildServices } from '../support/services.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const MARIA = '+12065550142';

describe.each(STORE_BACKENDS)('data dips read ahead of their offer ($name)', (backend) => {
  let store: TestStore;
  let searches: string[];
  let now: number;
  let prefetch: CallDipPrefetch;

  beforeEach(async () => {
    store = await backend.open();
    searches = [];
    now = 0;
    // The embedded CRM, with its phone searches counted.
    const counting = (crm: CrmConnector): CrmConnector =>
      new Proxy(crm, {
        get: (target, name, receiver) =>
          name === 'findByPhone'
            ? (e164: string, options: Parameters<CrmConnector['findByPhone']>[1]) => (searches.push(e164), target.findByPhone(e164, options))
            : Reflect.get(target, name, receiver),
      });
    const services = await buildServices(store, { wrap: counting });
    prefetch = new CallDipPrefetch({ engine: services.engine, logger: services.logger }, () => now);
  });
  afterEach(async () => {
    await prefetch.settled(); // a dip dropped unread still reads the CRM: not while its schema is dropped
    await store.dispose();
  });

  const interaction = (id: string) => newInteraction({ id, agentId: 'aad-1', channel: 'voice', ani: MARIA, state: 'offered', configurationId: 'demo', startedAt: new Date().toISOString() });

  it('gives the dip to its offer once, bound to the interaction the offer creates, from one search', async () => {
    prefetch.start('demo', 'contact-1', MARIA);
    prefetch.start('demo', 'contact-1', MARIA); // the same offer sent again by the ACD: not searched again
    const taken = prefetch.take('demo', 'contact-1', MARIA);
    expect(taken).toBeDefined();
    expect(prefetch.take('demo', 'contact-1', MARIA)).toBeUndefined();
    const dip = (await taken!)(interaction('call-1'));
    expect(searches).toEqual([MARIA]);
    expect(dip.matchState).toBe('single');
    const maria = dip.links.find((l) => l.linked)!;
    expect(maria).toMatchObject({ interactionId: 'call-1', recordId: DEMO.maria.id });
    // The linked record's latest activities were read ahead too.
    expect(maria.activities?.length).toBeGreaterThan(0);
    expect(dip.notice.text).toMatch(/Maria Garcia matches \+1 206 555 0142 and is linked to this call/);
  });

  it('keeps a dip of its own for each contact, even from the same number', async () => {
    prefetch.start('demo', 'contact-1', MARIA);
    prefetch.start('demo', 'contact-2', MARIA);
    expect(prefetch.take('demo', 'contact-2', MARIA)).toBeDefined();
    expect(prefetch.take('demo', 'contact-1', MARIA)).toBeDefined();
    expect(searches).toEqual([MARIA, MARIA]);
  });

  it('drops a dip its offer did not take within 10 s: the offer then reads the CRM afresh', async () => {
    prefetch.start('demo', 'contact-1', MARIA);
    now = 10_000;
    expect(prefetch.take('demo', 'contact-1', MARIA)).toBeUndefined();
    prefetch.start('demo', 'contact-2', MARIA);
    now = 10_001;
    prefetch.start('demo', 'contact-3', MARIA); // contact-2's dip, 1 ms old, stays
    expect(prefetch.take('demo', 'contact-2', MARIA)).toBeDefined();
  });
});
