import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAcdBody } from '../../src/acd/signature.js';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { actionOf, startBot, type BotHarness } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';
import { ACD_SECRET, uniqueId } from './acdClient.js';
import { postTaskRouterCallback } from './taskRouterClient.js';
import { startTaskRouterServer } from './taskRouterServer.js';

const AUTH_TOKEN = 'twilio-outbox-auth-token-0123456789';
const ACCOUNT_SID = `AC${'3'.repeat(32)}`;
const WORKSPACE_SID = `WS${'4'.repeat(32)}`;
const ACTIVITY = { available: `WA${'a'.repeat(32)}`, offline: `WA${'0'.repeat(32)}`, lunch: `WA${'c'.repeat(32)}` };

describe.each(STORE_BACKENDS)('TaskRouter calls through the ACD outbox on $name', (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let taskRouter: Awaited<ReturnType<typeof startTaskRouterServer>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    store = await backend.open();
    taskRouter = await startTaskRouterServer({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, workspaceSid: WORKSPACE_SID });
    env = {
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_WORKSPACE_SID: WORKSPACE_SID,
      TWILIO_API_BASE_URL: taskRouter.url,
      TWILIO_ACTIVITY_SIDS: `Available:${ACTIVITY.available},Unavailable:${ACTIVITY.offline},Lunch:${ACTIVITY.lunch}`,
      ACD_EVENTS_SECRET: ACD_SECRET,
      ACD_SIMULATOR: 'off',
    };
    bot = await startBot(store, env);
  });
  afterAll(async () => {
    await bot.stop();
    await taskRouter.close();
    await store.dispose();
  });

  const rows = () => store.db.selectFrom('acd_webhook_deliveries').selectAll().where('target', '=', 'taskrouter').orderBy('created_at').execute();
  const seconds = (offset: number) => String(Math.floor(Date.now() / 1000) + offset);
  const callback = (params: Record<string, string>) => postTaskRouterCallback(bot.url, AUTH_TOKEN, params);
  /** The admin's view (GET /api/acd/webhook/deliveries, signed over an empty body). */
  const adminView = async () => {
    const response = await fetch(`${bot.url}/api/acd/webhook/deliveries`, { headers: { 'x-signature': signAcdBody(ACD_SECRET, '') } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { deliveries: Array<Record<string, unknown>> }).deliveries;
  };

  it('delivers a completion queued while TaskRouter is down once it is back, once, across a restart of the app', async () => {
    const agent = bot.user('outbox-agent-1', 'Outbox Agent');
    await agent.sayText('unavailable Lunch');
    const task = uniqueId('WT');
    const workerSid = `WK${agent.id}`;
    taskRouter.tasks.set(task, { sid: task, assignment_status: 'assigned', reason: null, attributes: '{}' });
    const common = { TaskSid: task, TaskAttributes: JSON.stringify({ from: DEMO.contoso.phone, to: '+18005550100' }), TaskQueueName: 'Billing' };
    const worker = { WorkerSid: workerSid, WorkerAttributes: JSON.stringify({ aadObjectId: agent.aadObjectId }), WorkerActivityName: 'Busy' };
    expect(await callback({ EventType: 'reservation.accepted', Sid: uniqueId('EV'), Timestamp: seconds(0), ...common, ...worker })).toBe(204);
    expect(await callback({ EventType: 'task.wrapup', Sid: uniqueId('EV'), Timestamp: seconds(30), ...common })).toBe(204);
    taskRouter.tasks.get(task)!.assignment_status = 'wrapping';
    const interaction = (await store.db.selectFrom('interactions').selectAll().where('acd_contact_id', '=', task).executeTakeFirstOrThrow())!;

    await taskRouter.down();
    await agent.clickCard(actionOf(await agent.currentCard(interaction.id), 'Complete ACW'), { disposition: 'Resolved', notes: 'Sorted' });
    // Refused by the network, not lost: pending, with the failure recorded where an admin sees it.
    await waitFor('a failed attempt recorded', async () => ((await rows())[0]?.attempts ?? 0) >= 1);
    const [queued] = await rows();
    expect(queued).toMatchObject({ id: `taskrouter:task:${task}:completed`, status: 'pending', last_status_code: null, last_error: 'ECONNREFUSED' });
    expect((await adminView()).find((d) => d.id === queued!.id)).toMatchObject({ target: 'taskrouter', type: 'task.complete', status: 'pending', lastError: 'ECONNREFUSED' });

    // The app restarts while TaskRouter is still down; TaskRouter comes back after.
    await bot.stop();
    bot = await startBot(store, env);
    await taskRouter.up();
    await waitFor('the Task completed at TaskRouter', () => taskRouter.tasks.get(task)!.assignment_status === 'completed', 15_000);
    await waitFor('the delivery recorded', async () => (await rows())[0]?.status === 'delivered');
    expect(taskRouter.tasks.get(task)!.reason).toBe('After Call Work completed in Teams: Resolved');
    expect(taskRouter.updates.filter((u) => u.sid === task)).toEqual([{ sid: task, params: { AssignmentStatus: 'completed', Reason: 'After Call Work completed in Teams: Resolved' } }]);

    // TaskRouter's own task.completed then changes nothing and sends nothing back; neither does a later drain.
    expect(await callback({ EventType: 'task.completed', Sid: uniqueId('EV'), Timestamp: seconds(90), ...common })).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 1_200)); // longer than a poll
    expect(taskRouter.updates.filter((u) => u.sid === task)).toHaveLength(1);
    expect(await rows()).toHaveLength(1);
    expect((await adminView()).find((d) => d.id === queued!.id)).toMatchObject({ target: 'taskrouter', status: 'delivered', lastStatusCode: 200 });
  });

  it('sends only the latest of Worker activity changes made while TaskRouter is down', async () => {
    const agent = bot.user('outbox-agent-2', 'Outbox Agent 2');
    const workerSid = `WK${agent.id}`;
    await agent.sayText('unavailable');
    // TaskRouter names the agent's Worker in a callback.
    expect(
      await callback({
        EventType: 'worker.activity.update',
        Sid: uniqueId('EV'),
        Timestamp: seconds(-10),
        WorkerSid: workerSid,
        WorkerAttributes: JSON.stringify({ aadObjectId: agent.aadObjectId }),
        WorkerActivityName: 'Offline',
      }),
    ).toBe(204);
    await taskRouter.down();
    await agent.sayText('available');
    await waitFor('a failed attempt recorded', async () => (await rows()).some((r) => r.subject === `worker:${workerSid}` && r.attempts >= 1));
    await agent.sayText('unavailable Lunch');
    await taskRouter.up();
    await waitFor('the Worker at Lunch', () => taskRouter.workers.get(workerSid)?.activity_sid === ACTIVITY.lunch, 15_000);
    const mine = async () => (await rows()).filter((r) => r.subject === `worker:${workerSid}`);
    await waitFor('the delivery recorded', async () => (await mine()).at(-1)?.status === 'delivered');
    expect((await mine()).map((r) => r.status)).toEqual(['superseded', 'delivered']);
    // The superseded Available was never sent after TaskRouter came back: the Worker stays at Lunch.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(taskRouter.updates.filter((u) => u.sid === workerSid).map((u) => u.params.ActivitySid)).toEqual([ACTIVITY.lunch]);
  });
});
