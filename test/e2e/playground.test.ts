import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { EmbeddedConnector } from '../../src/crm/embedded/embeddedConnector.js';
import { startProduct, type RunningProduct } from '../../src/product.js';
import { jobsOfSubject } from '../../src/store/jobsRepository.js';
import { actionOf, cardText } from '../support/botHarness.js';
import { startPlayground, type Playground } from '../support/playground.js';
import { productEnv, STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';

const signal = new AbortController().signal;
const cardOf = (activity: { attachments: Array<{ content: unknown }> }) => activity.attachments[0]?.content;

/**
 * The README demo, end to end through the real client for local use: the Microsoft 365 Agents Playground,
 * driven over its HTTP API, talking to the product over HTTP exactly as it does for a person.
 */
describe.each(STORE_BACKENDS)('the demo through the Agents Playground ($name)', (backend) => {
  let store: TestStore;
  let product: RunningProduct;
  let playground: Playground;

  beforeAll(async () => {
    store = await backend.open();
    const config = loadConfig({ PORT: '0', ...productEnv(store), LOG_LEVEL: 'silent' });
    product = await startProduct(config, pino({ level: 'silent' }), { pgSchema: store.productOptions.pgSchema });
    playground = await startPlayground({ botEndpoint: `${product.url}/api/messages` });
  }, 90_000);
  afterAll(async () => {
    await playground?.stop();
    await product?.stop();
    await store?.dispose();
  });

  it('calls Maria, shows her card, hangs up, completes ACW, and logs exactly one activity on her record', async () => {
    const maria = { type: 'contact', id: DEMO.maria.id };
    const crm = new EmbeddedConnector(store.db);
    const before = (await crm.listActivities(maria, { signal, limit: 100 })).length;

    await playground.install();
    const welcome = await playground.waitFor((a) => /Welcome/.test(cardText(cardOf(a))));
    expect(cardText(cardOf(welcome))).toMatch(/Next step/);

    await playground.send('available');
    await playground.waitFor((a) => /You are Available/.test(a.text ?? ''));

    await playground.send('call (206) 555-0142');
    const call = await playground.waitFor((a) => /Inbound call from/.test(cardText(cardOf(a))));
    // The playground has no user specific views, so locally the message holds the agent's own view.
    expect(cardText(cardOf(call))).toMatch(/\*\*Contact\*\* · Maria Garcia/);
    expect(cardText(cardOf(call))).toMatch(/CS-1001 Damaged shipment/);
    expect(actionOf(cardOf(call), 'Unlink', { recordId: DEMO.maria.id })).toBeTruthy();

    await playground.send('hangup');
    await playground.waitFor((a) => /Complete ACW/.test(a.text ?? ''));
    // The same card message changes in place: no second card.
    const acw = await playground.waitFor((a) => a.kind === 'update' && a.id === call.id && /State: After Call Work/.test(cardText(cardOf(a))));
    const complete = actionOf(cardOf(acw), 'Complete ACW');
    const answer = await playground.invoke({ action: { type: 'Action.Execute', verb: complete.verb, data: { ...complete.data, disposition: 'Resolved', notes: 'Replacement shipped' } } }, call.id);
    expect(answer.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(answer.value)).toMatch(/After Call Work complete/);
    await playground.waitFor((a) => a.kind === 'update' && a.id === call.id && /Saved to the CRM \(2 of 2\)/.test(cardText(cardOf(a))));
    expect(playground.activities.filter((a) => a.kind === 'new' && /Inbound call from/.test(cardText(cardOf(a))))).toHaveLength(1);

    const interactionId = complete.data.interactionId as string;
    await waitFor('the ACW jobs', async () => {
      const jobs = await jobsOfSubject(store.db, interactionId);
      return jobs.length > 0 && jobs.every((j) => j.status === 'done');
    });
    const after = await crm.listActivities(maria, { signal, limit: 100 });
    expect(after).toHaveLength(before + 1);
    expect(after[0]!.fields).toMatchObject({ interactionId, disposition: 'Resolved', notes: 'Replacement shipped' });
  }, 60_000);
});
