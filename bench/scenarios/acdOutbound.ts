import { join } from 'node:path';
import Database from 'better-sqlite3';
import twilio from 'twilio';
import { startTaskRouterServer } from '../../test/acd/taskRouterServer.js';
import { startWebhookReceiver } from '../../test/acd/webhookReceiver.js';
import { BENCH_ACD_SECRET } from '../lib/acd.js';
import { BotChild, freePort, untilHealthy } from '../lib/child.js';
import { settle } from '../lib/load.js';
import { Recorder } from '../lib/recorder.js';
import { fmt, type BenchContext, type ScenarioResult } from '../lib/scenario.js';
import { pool, round, sleep } from '../lib/stats.js';
import { BotClient, TeamsAgent } from '../lib/teams.js';

const AUTH_TOKEN = 'bench-twilio-auth-token-0123456789';
const ACCOUNT_SID = `AC${'b'.repeat(32)}`;
const WORKSPACE_SID = `WS${'e'.repeat(32)}`;
const ACTIVITY = { available: `WA${'a'.repeat(32)}`, unavailable: `WA${'0'.repeat(32)}`, lunch: `WA${'c'.repeat(32)}` };
const AGENTS = 50;

/**
 * The outbound state sync's throughput (issue 13): agents change their state in Teams (`available`,
 * `unavailable Lunch`, 8 turns in flight), and each change is queued in the ACD outbox for TaskRouter (Update
 * Worker, through the twilio library, to the tests' local TaskRouter server) and for the generic webhook
 * (signed POST to the tests' local receiver); the figures are deliveries per second from the first change
 * to the last delivery, per target, both workers running side by side in the bot.
 */
export async function acdOutbound(context: BenchContext): Promise<ScenarioResult> {
  const { config } = context;
  const taskRouter = await startTaskRouterServer({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, workspaceSid: WORKSPACE_SID });
  const webhook = await startWebhookReceiver(BENCH_ACD_SECRET);
  const port = await freePort();
  const child = await BotChild.start({
    app: 'product',
    runtime: { kind: 'tsx', cache: true },
    port,
    dataDir: context.dataDir,
    env: {
      ACD_EVENTS_SECRET: BENCH_ACD_SECRET,
      ACD_SIMULATOR: 'off',
      ACD_WEBHOOK_URL: webhook.url,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_WORKSPACE_SID: WORKSPACE_SID,
      TWILIO_API_BASE_URL: taskRouter.url,
      TWILIO_ACTIVITY_SIDS: `Available:${ACTIVITY.available},Unavailable:${ACTIVITY.unavailable},Lunch:${ACTIVITY.lunch}`,
    },
  });
  const recorder = new Recorder();
  await recorder.start();
  const client = new BotClient(port, recorder, 16);
  const db = new Database(join(context.dataDir, 'customer-card.sqlite'), { readonly: true, fileMustExist: true });
  const scenario = 'outbound state sync (Teams → TaskRouter and webhook)';
  try {
    await untilHealthy(port, child);
    const run = Date.now().toString(36);
    const agents = Array.from({ length: AGENTS }, (_, i) => new TeamsAgent(client, `sync-${run}-agent-${i}`));
    context.log(`acd-outbound: ${AGENTS} agents open the bot; TaskRouter names their Workers`);
    await pool(AGENTS, 8, async (i) => void (await agents[i]!.say('unavailable')));
    await pool(AGENTS, 8, async (i) => {
      const params = {
        EventType: 'worker.activity.update',
        Sid: `EV${run}${i}`,
        Timestamp: String(Math.floor(Date.now() / 1000) - 60),
        WorkerSid: `WK${run}${i}`,
        WorkerAttributes: JSON.stringify({ aadObjectId: agents[i]!.aadObjectId }),
        WorkerActivityName: 'Offline',
      };
      const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `http://127.0.0.1:${port}/api/acd/twilio/taskrouter`, params);
      const answer = await client.postTo('/api/acd/twilio/taskrouter', Buffer.from(new URLSearchParams(params).toString()), {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
      });
      if (answer.status !== 204) throw new Error(`TaskRouter callback for agent ${i}: ${answer.status} ${answer.body.slice(0, 200)}`);
    });
    await settle(child);
    const pendingCount = db.prepare("select count(*) as n from acd_webhook_deliveries where status = 'pending'");
    const rowsSince = db.prepare('select target, status, count(*) as n from acd_webhook_deliveries where created_at >= ? group by target, status');
    while ((pendingCount.get() as { n: number }).n > 0) await sleep(50);

    const changes = config.outboundChanges;
    const since = new Date().toISOString();
    // When each local server last received something (to within 5 ms): the time of the last delivery.
    const seen = { taskRouter: taskRouter.updates.length, webhook: webhook.received.length };
    const last = { taskRouter: 0, webhook: 0 };
    const watching = setInterval(() => {
      if (taskRouter.updates.length > seen.taskRouter) last.taskRouter = performance.now();
      if (webhook.received.length > seen.webhook) last.webhook = performance.now();
      seen.taskRouter = taskRouter.updates.length;
      seen.webhook = webhook.received.length;
    }, 5);
    const counted = { taskRouter: taskRouter.updates.length, webhook: webhook.received.length };
    context.log(`acd-outbound: ${fmt(changes)} state changes in Teams`);
    const started = performance.now();
    let refused = 0;
    await pool(changes, 8, async (n) => {
      const turn = await agents[n % AGENTS]!.say(Math.floor(n / AGENTS) % 2 === 0 ? 'available' : 'unavailable Lunch');
      if (turn.status !== 200 || !/You are/.test(String(turn.replies[0]?.activity.text))) refused++;
    });
    const turnsEnded = performance.now();
    const turnsSeconds = (turnsEnded - started) / 1000;
    const deadline = performance.now() + 120_000;
    while ((pendingCount.get() as { n: number }).n > 0 && performance.now() < deadline) await sleep(20);
    await sleep(50);
    clearInterval(watching);
    const byOutcome = Object.fromEntries((rowsSince.all(since) as Array<{ target: string; status: string; n: number }>).map((r) => [`${r.target} ${r.status}`, r.n]));
    const sent = { taskRouter: taskRouter.updates.length - counted.taskRouter, webhook: webhook.received.length - counted.webhook };
    const perSecond = (count: number, at: number) => (at > started ? count / ((at - started) / 1000) : NaN);
    const rates = { taskRouter: perSecond(sent.taskRouter, last.taskRouter), webhook: perSecond(sent.webhook, last.webhook) };
    const superseded = byOutcome['taskrouter superseded'] ?? 0;
    return {
      slug: 'acd-outbound',
      title: `Outbound state sync: ${fmt(changes)} agent state changes in Teams → TaskRouter Worker updates and webhook deliveries`,
      rows: [
        {
          scenario,
          figure: `state changes in Teams (chat turns, 8 in flight, ${AGENTS} agents)`,
          value: `${fmt(changes / turnsSeconds, 0)}/s${refused ? `, ${refused} refused` : ''}`,
          goal: '',
          verdict: 'info',
        },
        {
          scenario,
          figure: `TaskRouter Worker updates delivered (twilio library → local TaskRouter server), first change → last delivery; ${fmt(superseded)} superseded by a newer change still queued`,
          value: `${fmt(rates.taskRouter, 0)}/s (${fmt(sent.taskRouter)} in ${fmt((last.taskRouter - started) / 1000, 1)} s)`,
          goal: '',
          verdict: 'info',
        },
        {
          scenario,
          figure: 'webhook deliveries (signed POST → local receiver), first change → last delivery',
          value: `${fmt(rates.webhook, 0)}/s (${fmt(sent.webhook)} in ${fmt((last.webhook - started) / 1000, 1)} s)`,
          goal: '',
          verdict: 'info',
        },
        {
          scenario,
          figure: 'last change in Teams → last delivery (how far the outbox fell behind)',
          value: `TaskRouter ${fmt(Math.max(0, last.taskRouter - turnsEnded))} ms, webhook ${fmt(Math.max(0, last.webhook - turnsEnded))} ms`,
          goal: '',
          verdict: 'info',
        },
      ],
      misses: [],
      figures: {
        changes,
        turnsSeconds: round(turnsSeconds),
        refused,
        sent,
        rates: { taskRouter: round(rates.taskRouter), webhook: round(rates.webhook) },
        byOutcome,
        stillPending: (pendingCount.get() as { n: number }).n,
      },
      notes: [
        `the ${fmt(changes)} changes came at ${fmt(changes / turnsSeconds, 0)}/s: a delivery rate at that figure means the outbox kept up with the changes (it is then bounded by them, not by the workers); each worker sends one at a time, so its own limit is 1 / (claim + HTTP round trip + record)`,
      ],
    };
  } finally {
    client.close();
    await child.stop();
    await recorder.stop();
    db.close();
    await taskRouter.close();
    await webhook.close();
  }
}
