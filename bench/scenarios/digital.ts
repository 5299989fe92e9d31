import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Integrations } from '../../src/digital/integrations.js';
import { openStore } from '../../src/store/database.js';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { startIntegrationBox } from '../../test/digital/integrationBox.js';
import { PlatformClient, platformMessage } from '../../test/digital/platformClient.js';
import { BotChild, freePort, untilHealthy } from '../lib/child.js';
import { settle } from '../lib/load.js';
import { Recorder, type Reply } from '../lib/recorder.js';
import { byHowMuch, fmt, verdict, type BenchContext, type ScenarioResult } from '../lib/scenario.js';
import { distribution, pool, round, sleep } from '../lib/stats.js';
import { BotClient, cardOf, interactionIdOf, TeamsAgent } from '../lib/teams.js';

const GOAL_P99_MS = 100;
const BOX_SECRET_ENV = 'BENCH_DIGITAL_BOX_SECRET';
const FAILING = 0.2;
const TOKEN = /bench-msg-(\d+)-/g;

/**
 * Digital conversations under load (issue 14). A platform (the tests' middleware halves: platformClient.ts sends
 * through the channels API with its OAuth token, integrationBox.ts receives the replies) opens `digitalThreads`
 * threads, then sends `digitalMessages` more messages into them at `digitalRate` per second (open loop), each
 * message POSTed twice at once (as a platform unsure of its first try does). Figures: message POST → the card
 * message updated with it at the recording connector (the card publisher's PUT, owner's view); an agent's reply
 * (Action.Execute digital.reply) → its first POST at the box; and, with the box failing 20% of its requests
 * (503 with Retry-After 0, or a dropped connection), every message counted by id: stored once in, accepted once out.
 */
export async function digital(context: BenchContext): Promise<ScenarioResult> {
  const { config } = context;
  const scenario = `digital: ${fmt(config.digitalThreads)} threads, ${config.digitalRate} messages/s in`;
  const boxSecret = randomBytes(24).toString('base64url');
  const box = await startIntegrationBox({ clientId: 'bench-app', clientSecret: boxSecret, auth: 'basic' });
  const platformCredentials = await issueIntegration(context, box.boxUrl);
  const port = await freePort();
  // This run's agents alone take the bench channel's skill: agents of earlier runs in the reused database stay out.
  const run = Date.now().toString(36);
  const skill = `bench-${run}`;
  const agentNames = Array.from({ length: config.digitalAgents }, (_, i) => `digital-${run}-agent-${i}`);
  const skills = JSON.stringify(Object.fromEntries(agentNames.map((name) => [`aad-${name}`, [skill]])));
  const child = await BotChild.start({
    app: 'product',
    runtime: { kind: 'tsx', cache: true },
    port,
    dataDir: context.dataDir,
    // The owner's view in the message itself, so the connector sees the transcript the update carries; the load
    // generator is one client address holding many connections at once (no per-client cap, as behind a NAT).
    env: { ACD_SIMULATOR: 'off', HTTP_MAX_CONNECTIONS_PER_CLIENT: '0', DIGITAL_CONCURRENCY: '50', DIGITAL_AGENT_SKILLS: skills, CARD_MESSAGE_VIEW: 'owner', [BOX_SECRET_ENV]: boxSecret },
  });
  const recorder = new Recorder();
  await recorder.start();
  const client = new BotClient(port, recorder, 256);
  const db = new Database(join(context.dataDir, 'customer-card.sqlite'), { readonly: true, fileMustExist: true });
  try {
    await untilHealthy(port, child);
    const platform = new PlatformClient(`http://127.0.0.1:${port}`, platformCredentials);
    const channel = platform.channel({ kind: 'chat', name: 'Bench chat', skill });
    const registered = await platform.registerChannel(channel);
    if (registered.status !== 201) throw new Error(`channel: ${registered.status} ${JSON.stringify(registered.body)}`);
    const agents = agentNames.map((name) => new TeamsAgent(client, name));
    const byConversation = new Map(agents.map((a) => [a.conversationId, a]));
    await pool(agents.length, 8, async (i) => void (await agents[i]!.say('available')));
    await settle(child);

    // Every message carries a token the card shows: the connector's sends and updates are matched to it.
    let sequence = 0;
    const pending = new Map<number, { sentAt: number; thread: number }>();
    const cardMs: number[] = [];
    const threadOf = new Map<number, { interactionId: string; agent: TeamsAgent }>();
    const seen = (reply: Reply) => {
      const card = cardOf(reply);
      if (!card) return;
      const json = JSON.stringify(card);
      for (const match of json.matchAll(TOKEN)) {
        const waiting = pending.get(Number(match[1]));
        if (!waiting) continue;
        pending.delete(Number(match[1]));
        cardMs.push(reply.at - waiting.sentAt);
        const agent = byConversation.get(reply.conversationId);
        const interactionId = interactionIdOf(card);
        if (agent && interactionId && !threadOf.has(waiting.thread)) threadOf.set(waiting.thread, { interactionId, agent });
      }
    };
    recorder.watchSends(seen);
    recorder.watchUpdates(seen);

    const answers = { stored: 0, duplicates: 0, failures: [] as string[] };
    const send = async (thread: number): Promise<void> => {
      const n = ++sequence;
      const message = platformMessage({
        idOnExternalPlatform: `bench-${run}-${n}`,
        thread: { idOnExternalPlatform: `bench-${run}-thread-${thread}` },
        messageContent: { type: 'TEXT', payload: { text: `bench-msg-${n}- Where is my parcel?` } },
        createdAtWithMilliseconds: new Date().toISOString(),
        authorEndUserIdentity: { idOnExternalPlatform: `user${thread}@bench.example`, firstName: 'Bench', lastName: `User ${thread}` },
      });
      pending.set(n, { sentAt: performance.now(), thread });
      // Sent twice at once: the intake must store it once, and the card must show it once.
      const both = await Promise.all([0, 1].map(() => platform.send(channel.id as string, message).catch((error: unknown) => ({ status: 0, headers: new Headers(), body: String(error) }))));
      for (const answer of both) {
        if (answer.status !== 202) {
          if (answers.failures.length < 5) answers.failures.push(`${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
          continue;
        }
        answers.stored += Number(answer.body.stored);
        answers.duplicates += Number(answer.body.duplicates);
      }
    };
    const openLoop = async (count: number, pick: (i: number) => number): Promise<number> => {
      const started = performance.now();
      const all: Promise<void>[] = [];
      for (let i = 0; i < count; i++) {
        const due = started + (i * 1000) / config.digitalRate;
        if (due > performance.now()) await sleep(due - performance.now());
        all.push(send(pick(i)));
      }
      await Promise.all(all);
      return (performance.now() - started) / 1000;
    };

    context.log(`digital: ${fmt(config.digitalThreads)} threads opened at ${config.digitalRate}/s`);
    await openLoop(config.digitalThreads, (i) => i);
    await waitUntil(() => pending.size === 0, 30_000);
    const openedMs = cardMs.splice(0);
    const unrouted = pending.size;
    pending.clear();
    await settle(child);

    context.log(`digital: ${fmt(config.digitalMessages)} messages into open threads at ${config.digitalRate}/s, each sent twice`);
    const measuredSeconds = await openLoop(config.digitalMessages, (i) => (i * 7919) % config.digitalThreads);
    await waitUntil(() => pending.size === 0, 30_000);
    const missingCards = pending.size;
    recorder.watchSends(undefined);
    recorder.watchUpdates(undefined);
    await settle(child);

    box.failFraction(FAILING, { mode: 'mixed', retryAfterSeconds: 0 });
    const threads = [...threadOf.values()];
    const replies = Math.min(config.digitalReplies, threads.length * 10);
    context.log(`digital: ${fmt(replies)} replies from the cards at ${config.digitalRate}/s, the box failing ${FAILING * 100}% of its requests`);
    const replyIds: Array<{ id: string; sentAt: number }> = [];
    const clickFailures: string[] = [];
    const replyCount = new Map<string, number>();
    const started = performance.now();
    const clicks: Promise<void>[] = [];
    for (let i = 0; i < replies; i++) {
      const due = started + (i * 1000) / config.digitalRate;
      if (due > performance.now()) await sleep(due - performance.now());
      const { interactionId, agent } = threads[i % threads.length]!;
      const k = (replyCount.get(interactionId) ?? 0) + 1;
      replyCount.set(interactionId, k);
      const replyId = `${interactionId}-bench${k}`;
      replyIds.push({ id: replyId, sentAt: performance.now() });
      clicks.push(
        agent.invoke('digital.reply', { interactionId, replyId, replyText: `Reply ${i}: it is on its way.` }).then((turn) => {
          if (turn.status !== 200 && clickFailures.length < 5) clickFailures.push(`HTTP ${turn.status}`);
        }),
      );
    }
    await Promise.all(clicks);
    // Delivered at last: every reply accepted once, however often the box failed it (retried with backoff).
    const accepted = () => new Set(box.accepted.map((p) => p.idempotencyKey));
    await waitUntil(() => accepted().size >= replies, config.quick ? 40_000 : 180_000);

    const acceptedCount = new Map<string, number>();
    for (const post of box.accepted) acceptedCount.set(post.idempotencyKey, (acceptedCount.get(post.idempotencyKey) ?? 0) + 1);
    const doubledOut = [...acceptedCount.values()].filter((n) => n > 1).length;
    const lostOut = replies - acceptedCount.size;
    // The box knows the app's message ids; the clicks' reply ids are the outbound messages' idOnExternalPlatform.
    const idOfReply = new Map(box.accepted.map((p) => [String(p.body?.idOnExternalPlatform), p.idempotencyKey]));
    const replyMs = replyIds.flatMap(({ id, sentAt }) => {
      const key = idOfReply.get(id) ?? id;
      const at = box.firstSeen.get(key);
      return at === undefined ? [] : [at - sentAt];
    });

    const sent = config.digitalThreads + config.digitalMessages;
    const storedIn = (db.prepare('select count(*) as n, count(distinct id_on_external_platform) as d from digital_messages where channel_id = ? and direction = ?').get(channel.id, 'inbound') as {
      n: number;
      d: number;
    }) ?? { n: 0, d: 0 };
    const lostIn = sent - storedIn.d;
    const doubledIn = storedIn.n - storedIn.d;

    const cards = distribution(cardMs);
    const opened = distribution(openedMs);
    const out = distribution(replyMs);
    const cardsVerdict = missingCards ? 'missed' : verdict(cards.p99, GOAL_P99_MS);
    const outVerdict = replyMs.length < replies ? 'missed' : verdict(out.p99, GOAL_P99_MS);
    const countVerdict = lostIn + doubledIn + lostOut + doubledOut === 0 ? 'met' : 'missed';
    const misses = [
      ...(cardsVerdict === 'missed'
        ? [
            {
              scenario,
              figure: 'message → card updated p99',
              by: `${byHowMuch(cards.p99, GOAL_P99_MS, 'max', 'ms')}${missingCards ? `; ${missingCards} messages never shown` : ''}`,
              dominates: 'not profiled',
            },
          ]
        : []),
      ...(outVerdict === 'missed' ? [{ scenario, figure: 'reply → outbound POST p99', by: byHowMuch(out.p99, GOAL_P99_MS, 'max', 'ms'), dominates: 'not profiled' }] : []),
      ...(countVerdict === 'missed'
        ? [{ scenario, figure: 'lost or doubled messages', by: `in: ${lostIn} lost, ${doubledIn} doubled; out: ${lostOut} lost, ${doubledOut} doubled`, dominates: 'see bench/results/digital.json' }]
        : []),
    ];
    return {
      slug: 'digital',
      title: `Digital conversations: ${fmt(config.digitalThreads)} threads, ${config.digitalRate} messages/s in through the channels API`,
      rows: [
        {
          scenario,
          figure: `message POST → card message updated with it (${fmt(cards.count)} messages over ${fmt(measuredSeconds, 1)} s, each sent twice)`,
          value: `p99 ${fmt(cards.p99)} ms (p50 ${fmt(cards.p50)}, max ${fmt(cards.max)})${missingCards ? `; ${missingCards} never shown` : ''}`,
          goal: `p99 ≤ ${GOAL_P99_MS} ms`,
          verdict: cardsVerdict,
        },
        {
          scenario,
          figure: `new thread's first message → its card posted (${fmt(opened.count)} threads)`,
          value: `p99 ${fmt(opened.p99)} ms (p50 ${fmt(opened.p50)})${unrouted ? `; ${unrouted} not posted` : ''}`,
          goal: '',
          verdict: 'info',
        },
        {
          scenario,
          figure: `reply clicked → its first POST at the box (${fmt(out.count)} replies, box failing ${FAILING * 100}%)`,
          value: `p99 ${fmt(out.p99)} ms (p50 ${fmt(out.p50)}, max ${fmt(out.max)})`,
          goal: `p99 ≤ ${GOAL_P99_MS} ms`,
          verdict: outVerdict,
        },
        {
          scenario,
          figure: 'messages lost or doubled, counted by id (in: every message sent twice; out: the box failing 20%)',
          value: `in ${lostIn} lost, ${doubledIn} doubled of ${fmt(sent)}; out ${lostOut} lost, ${doubledOut} doubled of ${fmt(replies)}`,
          goal: '0',
          verdict: countVerdict,
        },
      ],
      misses,
      figures: {
        cards,
        opened,
        replies: out,
        sent,
        answers: { stored: answers.stored, duplicates: answers.duplicates, failures: answers.failures },
        storedIn,
        lostIn,
        doubledIn,
        lostOut,
        doubledOut,
        boxCounts: box.counts,
        clickFailures,
        measuredSeconds: round(measuredSeconds),
      },
    };
  } finally {
    db.close();
    client.close();
    await child.stop();
    await recorder.stop();
    await box.close();
  }
}

/** Issues the bench platform's integration in the bench database (as `npm run digital -- add-integration` does), before the bot starts. */
async function issueIntegration(context: BenchContext, boxUrl: string): Promise<{ integrationId: string; clientId: string; clientSecret: string }> {
  const store = await openStore({ dataDir: context.dataDir });
  try {
    const integrations = new Integrations({ unit: new UnitOfWork(store.db), clock: () => new Date() });
    const { integration, clientSecret } = await integrations.issue({ id: 'bench-platform', name: 'Bench platform', boxUrl, outboundClientId: 'bench-app', outboundSecretEnv: BOX_SECRET_ENV });
    return { integrationId: integration.id, clientId: integration.clientId, clientSecret };
  } finally {
    await store.close();
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done() && performance.now() < deadline) await sleep(20);
}
