import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcdWebhookWorker } from '../../src/acd/webhookWorker.js';
import { enqueueWebhookEvent } from '../../src/store/acdWebhookRepository.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';
import { uniqueId } from './acdClient.js';
import { startWebhookReceiver } from './webhookReceiver.js';

const SECRET = 'worker-test-secret-0123456789';

describe.each(STORE_BACKENDS)('the ACD webhook worker on $name', (backend) => {
  let store: TestStore;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const worker = (maxAttempts: number) =>
    new AcdWebhookWorker({ db: store.db, url: receiver.url, secret: SECRET, logger: pino({ level: 'silent' }), clock: () => new Date(), maxAttempts, baseDelayMs: 1, maxDelayMs: 5 });
  const rowOf = (id: string) => store.db.selectFrom('acd_webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const queue = async () => {
    const id = uniqueId('evt');
    await enqueueWebhookEvent(store.db, { id, type: 'agent.state' }, new Date().toISOString());
    return id;
  };

  beforeAll(async () => {
    store = await backend.open();
    receiver = await startWebhookReceiver(SECRET);
  });
  afterAll(async () => {
    await receiver.close();
    await store.dispose();
  });

  it('gives a delivery up as failed after maxAttempts answers of 500', async () => {
    const id = await queue();
    receiver.failNext.push(500, 500, 500, 500);
    const w = worker(3);
    await waitFor('the delivery given up', async () => {
      await w.drain();
      return (await rowOf(id)).status !== 'pending';
    });
    expect(await rowOf(id)).toMatchObject({ status: 'failed', attempts: 3, last_status_code: 500, last_error: 'HTTP 500' });
    expect(receiver.received.filter((r) => r.body.id === id)).toHaveLength(3);
    receiver.failNext.length = 0;
  });

  it('gives up at once on a 400 (asking again will not change it)', async () => {
    const id = await queue();
    receiver.failNext.push(400);
    await worker(8).drain();
    expect(await rowOf(id)).toMatchObject({ status: 'failed', attempts: 1, last_status_code: 400 });
  });

  it('attempts a delivery once when two workers drain at the same time', async () => {
    const id = await queue();
    await Promise.all([worker(8).drain(), worker(8).drain()]);
    expect(receiver.received.filter((r) => r.body.id === id)).toHaveLength(1);
    expect(await rowOf(id)).toMatchObject({ status: 'delivered', attempts: 1 });
  });
});
