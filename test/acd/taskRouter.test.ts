import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { actionOf, cardText, startBot, type BotHarness, type TeamsUser } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';
import { uniqueId, newAcdAgent } from './acdClient.js';
import { startTaskRouterServer } from './taskRouterServer.js';

const AUTH_TOKEN = 'twilio-test-auth-token-0123456789';
const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
const WORKSPACE_SID = `WS${'2'.repeat(32)}`;
const ACTIVITY = { available: `WA${'a'.repeat(32)}`, offline: `WA${'0'.repeat(32)}`, lunch: `WA${'c'.repeat(32)}` };

describe.each(STORE_BACKENDS)('Twilio TaskRouter event callbacks on $name', (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let taskRouter: Awaited<ReturnType<typeof startTaskRouterServer>>;

  beforeAll(async () => {
    store = await backend.open();
    taskRouter = await startTaskRouterServer({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, workspaceSid: WORKSPACE_SID });
    bot = await startBot(store, {
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_WORKSPACE_SID: WORKSPACE_SID,
      TWILIO_API_BASE_URL: taskRouter.url,
      ACD_SIMULATOR: 'off',
      TWILIO_ACTIVITY_STATES: 'Offline:Unavailable,Coffee:Unavailable:Break',
      TWILIO_ACTIVITY_SIDS: `Available:${ACTIVITY.available},Unavailable:${ACTIVITY.offline},Lunch:${ACTIVITY.lunch}`,
    });
  });
  afterAll(async () => {
    await bot.stop();
    await taskRouter.close();
    await store.dispose();
  });

  const newAgent = () => newAcdAgent(bot, 'twilio-agent', 'Twilio Agent');
  /** Cards posted into an agent's chat, once the posts on their way have been answered. */
  const cardsPosted = async (user: TeamsUser) => {
    await bot.cardsPosted();
    return bot.recorded.filter((r) => r.kind === 'send' && r.conversationId === `a:personal-${user.id}` && r.activity.attachments?.length);
  };
  const agentRow = (user: TeamsUser) => store.db.selectFrom('agents').selectAll().where('id', '=', user.aadObjectId).executeTakeFirstOrThrow();
  const interactionOf = (taskSid: string) => store.db.selectFrom('interactions').selectAll().where('acd_contact_id', '=', taskSid).executeTakeFirst();

  /** Posts a callback as TaskRouter does: form-encoded, signed by the twilio library over the URL called. */
  async function callback(params: Record<string, string>, options: { token?: string; signature?: string | null } = {}): Promise<number> {
    const url = `${bot.url}/api/acd/twilio/taskrouter`;
    const signature = options.signature === undefined ? twilio.getExpectedTwilioSignature(options.token ?? AUTH_TOKEN, url, params) : options.signature;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature !== null ? { 'x-twilio-signature': signature } : {}) },
      body: new URLSearchParams(params).toString(),
    });
    await response.text();
    return response.status;
  }
  const seconds = (offset: number) => String(Math.floor(Date.now() / 1000) + offset);
  const reservation = (user: TeamsUser, taskSid: string, type: string, offset = 0) => ({
    EventType: type,
    Sid: uniqueId('EV'),
    Timestamp: seconds(offset),
    TaskSid: taskSid,
    TaskAttributes: JSON.stringify({ from: DEMO.contoso.phone, to: '+18005550100', channel: 'voice' }),
    TaskQueueName: 'Billing',
    WorkerSid: `WK${user.id}`,
    WorkerAttributes: JSON.stringify({ aadObjectId: user.aadObjectId }),
    WorkerActivityName: 'Busy',
  });
  const taskEvent = (taskSid: string, type: string, offset: number, attributes: Record<string, unknown> = {}) => ({
    EventType: type,
    Sid: uniqueId('EV'),
    Timestamp: seconds(offset),
    TaskSid: taskSid,
    TaskAttributes: JSON.stringify({ from: DEMO.contoso.phone, ...attributes }),
  });

  it('brings the Customer Card on reservation.accepted, the ACW form on task.wrapup, and completes on task.completed', async () => {
    const agent = await newAgent();
    const task = uniqueId('WT');
    expect(await callback(reservation(agent, task, 'reservation.accepted'))).toBe(204);
    const posted = await cardsPosted(agent);
    expect(posted).toHaveLength(1);
    // The message holds the shared view (no customer data); the agent sees theirs through its refresh.
    expect(cardText(await agent.refreshed(posted[0]!.activity.attachments[0].content))).toMatch(/Contoso Pharmaceuticals/);
    expect(await interactionOf(task)).toMatchObject({ agent_id: agent.aadObjectId, state: 'active' });

    expect(await callback(taskEvent(task, 'task.wrapup', 30))).toBe(204);
    const interaction = (await interactionOf(task))!;
    expect(interaction.state).toBe('acw');
    expect(cardText(await agent.currentCard(interaction.id))).toMatch(/Complete ACW/);

    expect(await callback(taskEvent(task, 'task.completed', 60, { disposition: 'Escalated' }))).toBe(204);
    expect(await interactionOf(task)).toMatchObject({ state: 'completed', disposition: 'Escalated' });
    expect((await agentRow(agent)).state).toBe('Available');
    expect(await cardsPosted(agent)).toHaveLength(1);
    // TaskRouter completed the Task itself: nothing is sent back to it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(taskRouter.updates.filter((u) => u.sid === task)).toEqual([]);
  });

  it('completes the Task at TaskRouter when the agent completes ACW in Teams, once', async () => {
    const agent = await newAgent();
    const task = uniqueId('WT');
    taskRouter.tasks.set(task, { sid: task, assignment_status: 'assigned', reason: null, attributes: '{}' });
    await callback(reservation(agent, task, 'reservation.accepted'));
    await callback(taskEvent(task, 'task.wrapup', 30));
    taskRouter.tasks.get(task)!.assignment_status = 'wrapping';
    const interaction = (await interactionOf(task))!;
    const acwForm = await agent.currentCard(interaction.id);
    await agent.clickCard(actionOf(acwForm, 'Complete ACW'), { disposition: 'Resolved', notes: 'Sorted' });

    await waitFor('the Task completed at TaskRouter', () => taskRouter.tasks.get(task)!.assignment_status === 'completed');
    expect(taskRouter.updates.filter((u) => u.sid === task)).toEqual([{ sid: task, params: { AssignmentStatus: 'completed', Reason: 'After Call Work completed in Teams: Resolved' } }]);
    // TaskRouter then reports the Task completed: the app has nothing more to do, and says nothing back.
    expect(await callback(taskEvent(task, 'task.completed', 90))).toBe(204);
    expect(await interactionOf(task)).toMatchObject({ state: 'completed', disposition: 'Resolved', notes: 'Sorted' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(taskRouter.updates.filter((u) => u.sid === task)).toHaveLength(1);
  });

  it('refuses a wrong or missing signature with 401, and posts no card', async () => {
    const agent = await newAgent();
    const task = uniqueId('WT');
    expect(await callback(reservation(agent, task, 'reservation.accepted'), { token: 'another-token-entirely' })).toBe(401);
    expect(await callback(reservation(agent, task, 'reservation.accepted'), { signature: null })).toBe(401);
    const params = reservation(agent, task, 'reservation.accepted');
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${bot.url}/api/acd/twilio/taskrouter`, params);
    expect(await callback({ ...params, TaskQueueName: 'Changed' }, { signature })).toBe(401);
    expect(await cardsPosted(agent)).toHaveLength(0);
    expect(await interactionOf(task)).toBeUndefined();
  });

  it('rings on reservation.created, and ends a task canceled while ringing with nothing written to the CRM', async () => {
    const agent = await newAgent();
    const task = uniqueId('WT');
    await callback(reservation(agent, task, 'reservation.created'));
    expect(await interactionOf(task)).toMatchObject({ state: 'offered' });
    expect(await cardsPosted(agent)).toHaveLength(1);
    expect(await callback(taskEvent(task, 'task.canceled', 5))).toBe(204);
    const done = (await interactionOf(task))!;
    expect(done).toMatchObject({ state: 'completed', disposition: null });
    expect(await store.db.selectFrom('jobs').select('id').where('subject', '=', done.id).execute()).toEqual([]);
  });

  it('moves the agent state on worker.activity.update, by the configured activity names', async () => {
    const agent = await newAgent();
    const update = (activity: string, offset: number) => ({
      EventType: 'worker.activity.update',
      Sid: uniqueId('EV'),
      Timestamp: seconds(offset),
      WorkerSid: `WK${agent.id}`,
      WorkerAttributes: JSON.stringify({ aadObjectId: agent.aadObjectId }),
      WorkerActivityName: activity,
    });
    expect(await callback(update('Available', 1))).toBe(204);
    expect(await agentRow(agent)).toMatchObject({ state: 'Available', reason_code: null });
    expect(await callback(update('Coffee', 2))).toBe(204);
    expect(await agentRow(agent)).toMatchObject({ state: 'Unavailable', reason_code: 'Break' });
    expect(await callback(update('Meeting', 3))).toBe(204);
    expect(await agentRow(agent)).toMatchObject({ state: 'Unavailable', reason_code: 'Meeting' });
    expect(await callback(update('Available', 0))).toBe(204); // older than the last: superseded
    expect((await agentRow(agent)).state).toBe('Unavailable');
  });

  it('answers 422 for a worker who is no agent here, and 204 for events it does not act on', async () => {
    const task = uniqueId('WT');
    const stranger = { ...reservation(bot.user('nobody-here'), task, 'reservation.accepted') };
    expect(await callback(stranger)).toBe(422);
    expect(await callback({ EventType: 'workflow.timeout', Sid: uniqueId('EV'), Timestamp: seconds(0) })).toBe(204);
    expect(await interactionOf(task)).toBeUndefined();
  });

  it("moves the agent's Worker when they set their state in Teams, and an older TaskRouter update does not undo it", async () => {
    const agent = await newAgent();
    const workerSid = `WK${agent.id}`;
    const update = (activity: string, offset: number) => ({
      EventType: 'worker.activity.update',
      Sid: uniqueId('EV'),
      Timestamp: seconds(offset),
      WorkerSid: workerSid,
      WorkerAttributes: JSON.stringify({ aadObjectId: agent.aadObjectId }),
      WorkerActivityName: activity,
    });
    expect(await callback(update('Offline', -10))).toBe(204); // TaskRouter names the agent's Worker

    await agent.sayText('available');
    await waitFor('the Worker Available', () => taskRouter.workers.get(workerSid)?.activity_sid === ACTIVITY.available);
    await agent.sayText('unavailable lunch');
    await waitFor('the Worker at Lunch', () => taskRouter.workers.get(workerSid)?.activity_sid === ACTIVITY.lunch);
    await agent.sayText('unavailable Meeting'); // no Activity configured for Meeting: the state's own
    await waitFor('the Worker Unavailable', () => taskRouter.workers.get(workerSid)?.activity_sid === ACTIVITY.offline);

    // TaskRouter's report of a change made before the agent's own arrives late: the agent's word stands.
    expect(await callback(update('Available', -5))).toBe(204);
    expect(await agentRow(agent)).toMatchObject({ state: 'Unavailable', reason_code: 'Meeting' });
    // TaskRouter echoes the agent's change: nothing is sent back.
    const sent = taskRouter.updates.filter((u) => u.sid === workerSid).length;
    expect(await callback(update('Offline', 1))).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(taskRouter.updates.filter((u) => u.sid === workerSid)).toHaveLength(sent);
  });
});
