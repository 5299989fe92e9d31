import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCardAction } from '../../src/actions/runCardAction.js';
import { VERBS } from '../../src/cards/verbs.js';
import { CrmError, type CrmConnector } from '../../src/crm/port.js';
import { cardText } from '../support/botHarness.js';
import { buildServices } from '../support/services.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';

/** A CRM whose creates take `ms`, then succeed or fail. */
const slowCreates =
  (ms: number, fail = false) =>
  (crm: CrmConnector): CrmConnector =>
    Object.assign(Object.create(crm) as CrmConnector, {
      create: async (...args: Parameters<CrmConnector['create']>) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        if (fail) throw new CrmError('Service Unavailable', 500);
        return crm.create(...args);
      },
    });

describe.each(STORE_BACKENDS)('card actions when the CRM is slow ($name)', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => store.dispose());

  async function callFromNobody(wrap: (crm: CrmConnector) => CrmConnector) {
    const services = await buildServices(store, { wrap });
    await services.agents.identify('a1', 'Ana');
    await services.agents.setAvailable('a1');
    const view = await services.calls.offerCall('a1', '+1 206 555 0000');
    const changes: string[] = [];
    services.events.onCardChanged(({ interactionId }) => void changes.push(interactionId));
    return { ...services, interactionId: view.interaction.id, changes };
  }

  it('answers the click at once with what is in progress, and the result reaches the card when it is done', async () => {
    const { calls, records, merging, cards, replies, threads, agents, logger, interactionId, changes } = await callFromNobody(slowCreates(400));
    const started = Date.now();
    const answer = await runCardAction({ calls, records, merging, cards, replies, threads, agents, logger, answerWithinMs: 50 }, 'a1', VERBS.createContact, { interactionId, lastName: 'Slow' });
    expect(Date.now() - started).toBeLessThan(350);
    expect(cardText(answer)).toMatch(/Working: Creating the contact… This card updates itself when it is done\./);

    await waitFor('the create to finish', () => changes.includes(interactionId));
    const view = await cards.view('a1', interactionId);
    expect(view.notice?.text).toMatch(/Created contact Slow and linked it/);
    expect(view.current.map((r) => r.name)).toEqual(['Slow']);
  });

  it('keeps a late failure on the card: which workflow, which branch, what to do', async () => {
    const { calls, records, merging, cards, replies, threads, agents, logger, interactionId, changes } = await callFromNobody(slowCreates(200, true));
    const answer = await runCardAction({ calls, records, merging, cards, replies, threads, agents, logger, answerWithinMs: 50 }, 'a1', VERBS.createContact, { interactionId, lastName: 'Doomed' });
    expect(cardText(answer)).toMatch(/Working: Creating the contact/);
    await waitFor('the failure to be kept', () => changes.includes(interactionId));
    const view = await cards.view('a1', interactionId);
    expect(view.notice).toMatchObject({ kind: 'error' });
    expect(view.notice?.text).toMatch(/Creating the contact did not work: Create Contact ended in InternalError: The CRM failed \(HTTP 500\).*Try again; if it keeps failing, tell your admin\./);
  });

  it('answers a fast action with its result directly', async () => {
    const { calls, records, merging, cards, replies, threads, agents, logger, interactionId } = await callFromNobody((crm) => crm);
    const answer = await runCardAction({ calls, records, merging, cards, replies, threads, agents, logger, answerWithinMs: 2000 }, 'a1', VERBS.createContact, { interactionId, lastName: 'Quick' });
    expect(cardText(answer)).toMatch(/Created contact Quick and linked it/);
  });
});
