import { join } from 'node:path';
import { sampleNumbers } from '../../scripts/seed/generate.js';
import { BENCH_ACD_SECRET, outcomesOf, postAcdEvents } from '../lib/acd.js';
import { BotChild, freePort } from '../lib/child.js';
import type { SqlCount } from '../botProcess.js';
import { settle } from '../lib/load.js';
import { dominates, summarizeProfile } from '../lib/profile.js';
import { Recorder } from '../lib/recorder.js';
import { byHowMuch, fmt, verdict, type BenchContext, type ScenarioResult } from '../lib/scenario.js';
import { cpuMs, distribution, pool, round, sleep } from '../lib/stats.js';
import { BotClient, TeamsAgent } from '../lib/teams.js';
import { untilHealthy } from '../lib/child.js';

const GOAL_P99_MS = 50;

/**
 * ACD events in → Customer Card posted (issue 13): signed `contact.offered` events POSTed to
 * /api/acd/events at `acdRate` per second (open loop: each is sent at its time whether or not the earlier
 * ones are answered), each to an Available agent, the data dip on the seeded CRM; the latency is from the
 * event's POST to the card's POST arriving at the recording connector. Once an agent's card is there the
 * ACD answers, ends and completes the contact (one batch, not measured), so the agent is free again.
 */
export async function acdEvents(context: BenchContext): Promise<ScenarioResult> {
  const { config, plan } = context;
  const port = await freePort();
  const child = await BotChild.start({ app: 'product', runtime: { kind: 'tsx', cache: true }, port, dataDir: context.dataDir, env: { ACD_EVENTS_SECRET: BENCH_ACD_SECRET, ACD_SIMULATOR: 'off' } });
  const recorder = new Recorder(config.connectorMs);
  await recorder.start();
  const client = new BotClient(port, recorder, 256);
  const scenario = `ACD events in → card posted, ${fmt(config.acdRate)} offered/s on ${fmt(plan.contacts)} contacts${config.connectorMs ? `, the connector answering in ${fmt(config.connectorMs)} ms` : ''}`;
  try {
    await untilHealthy(port, child);
    await settle(child);
    const run = Date.now().toString(36);
    const agents = Array.from({ length: config.acdAgents }, (_, i) => new TeamsAgent(client, `acd-${run}-agent-${i}`));
    context.log(`acd-events: ${agents.length} agents open the bot and go Available`);
    await pool(agents.length, 8, async (i) => {
      const turn = await agents[i]!.say('available');
      if (turn.status !== 200) throw new Error(`agent ${i}: available answered ${turn.status}`);
    });
    await settle(child);

    const measured = config.acdRate * config.acdSeconds;
    const profiled = config.profile ? config.acdRate : 0;
    const numbers = sampleNumbers(plan, config.acdWarmup + measured + profiled, 'single', 31);
    let next = 0;
    // Offering stops after 1.5× the planned time: a bot that cannot keep up is measured over fewer contacts.
    const offer = (phase: string, count: number) =>
      openLoop(context, client, recorder, agents, numbers.slice(next, (next += count)), config.acdRate, `${run}-${phase}`, (count / config.acdRate) * 1.5);

    context.log(`acd-events: ${fmt(config.acdWarmup)} warm-up contacts at ${config.acdRate}/s`);
    await offer('warm', config.acdWarmup);
    await settle(child);
    context.log(`acd-events: ${fmt(measured)} measured contacts at ${config.acdRate}/s`);
    const before = await child.usage();
    const result = await offer('measured', measured);
    await settle(child);
    const after = await child.usage();
    let dominated = 'not profiled (--no-profile)';
    let sql: (SqlCount & { per: string; units: number; perUnit: number }) | undefined;
    if (profiled) {
      context.log('acd-events: a profiled pass (3 s, not measured)');
      const file = join(context.profilesDir, 'acd-events.cpuprofile');
      const window = child.profileWindow(file, 0, 3_500, 1000);
      // The same pass counts its SQL statements (per contact, jobs included): what a contact costs the store.
      await child.request({ cmd: 'sql-count-start' });
      const profiledResult = await offer('profiled', profiled);
      await settle(child);
      const counted = await child.request<SqlCount>({ cmd: 'sql-count-stop' });
      sql = { ...counted, per: 'contact', units: profiledResult.offered, perUnit: Math.round((counted.total / Math.max(1, profiledResult.offered)) * 10) / 10 };
      const written = await window;
      if (written) dominated = dominates(summarizeProfile(written));
    }

    const cards = distribution(result.cardMs);
    const answers = distribution(result.answerMs);
    const lost = result.offered - result.cardMs.length;
    const p99 = lost > 0 ? Infinity : cards.p99;
    const v = verdict(p99, GOAL_P99_MS);
    const rate = result.offered / result.seconds;
    return {
      slug: 'acd-events',
      title: `ACD events in → Customer Card posted, ${fmt(config.acdRate)} contacts offered per second on ${fmt(plan.contacts)} contacts`,
      rows: [
        {
          scenario,
          figure: `event POST → card POST at the connector (${fmt(cards.count)} contacts over ${fmt(result.seconds, 1)} s, ${config.acdAgents} agents)`,
          value: `p99 ${fmt(cards.p99)} ms (p50 ${fmt(cards.p50)}, p90 ${fmt(cards.p90)}, max ${fmt(cards.max)})${lost ? `; ${lost} cards not posted within 30 s of the last offer` : ''}`,
          goal: `p99 ≤ ${GOAL_P99_MS} ms`,
          verdict: v,
        },
        {
          scenario,
          figure: 'offers sent per second (open loop; each agent answers, ends and completes its contact once its card is up)',
          value: `${fmt(rate, 1)}/s`,
          goal: `${config.acdRate}/s`,
          verdict: 'info',
        },
        { scenario, figure: 'event POST → its 200 answer', value: `p99 ${fmt(answers.p99)} ms (p50 ${fmt(answers.p50)})`, goal: '', verdict: 'info' },
        {
          scenario,
          figure: 'bot CPU per contact (offered, answered, ended, completed, with its ACW jobs)',
          value: `${fmt(cpuMs(before.cpu, after.cpu) / result.offered, 2)} ms`,
          goal: '',
          verdict: 'info',
        },
      ],
      misses:
        v === 'missed'
          ? [
              {
                scenario,
                figure: 'event POST → card POST p99',
                by: `${byHowMuch(cards.p99, GOAL_P99_MS, 'max', 'ms')}${lost ? `; ${lost} of ${result.offered} cards not posted within 30 s of the last offer` : ''}`,
                dominates: dominated,
              },
            ]
          : [],
      figures: {
        cards,
        answers,
        offered: result.offered,
        lost,
        seconds: round(result.seconds),
        rate: round(rate),
        waitedForAgent: result.waitedForAgent,
        failures: result.failures,
        cpuMsPerContact: round(cpuMs(before.cpu, after.cpu) / result.offered),
      },
      sql,
      notes: result.waitedForAgent
        ? [
            `${fmt(result.waitedForAgent)} of ${fmt(result.offered)} offers found every one of the ${config.acdAgents} agents still on a contact and waited for one to be free: the bot completed contacts more slowly than ${config.acdRate}/s came in, so the offers came at ${fmt(rate, 1)}/s and the latency is mostly the wait in the bot's event queue (one event at a time, AcdDispatcher)`,
          ]
        : undefined,
    };
  } finally {
    client.close();
    await child.stop();
    await recorder.stop();
  }
}

interface OpenLoopResult {
  offered: number;
  seconds: number;
  cardMs: number[];
  answerMs: number[];
  waitedForAgent: number;
  failures: { count: number; examples: string[] };
}

/** Offers one contact per number at `rate` per second, each to a free agent; resolves when every contact is done. */
async function openLoop(
  context: BenchContext,
  client: BotClient,
  recorder: Recorder,
  agents: TeamsAgent[],
  numbers: string[],
  rate: number,
  runId: string,
  maxSeconds: number,
): Promise<OpenLoopResult> {
  const free = [...agents];
  const ringing = new Map<string, { sentAt: number; contactId: string; agent: TeamsAgent; done: () => void }>();
  const result: OpenLoopResult = { offered: 0, seconds: 0, cardMs: [], answerMs: [], waitedForAgent: 0, failures: { count: 0, examples: [] } };
  const fail = (what: string) => {
    result.failures.count++;
    if (result.failures.examples.length < 5) result.failures.examples.push(what.slice(0, 300));
  };
  // As an ACD tells them: answered, ended and ACW completed each in its own request, each after the one before
  // (a real contact has minutes between them; here none, so the bot takes every step at the offers' rate).
  const complete = async (agent: TeamsAgent, contactId: string) => {
    const who = { aadObjectId: agent.aadObjectId };
    for (const [k, type] of ['contact.answered', 'contact.ended', 'contact.acwCompleted'].entries()) {
      const event = { id: `${contactId}-${k}`, type, at: new Date().toISOString(), agent: who, contact: { id: contactId }, ...(type === 'contact.acwCompleted' ? { disposition: 'Resolved' } : {}) };
      const answer = await postAcdEvents(client, event);
      if (outcomesOf(answer).some((o) => o !== 'applied')) fail(`${type} ${contactId}: ${outcomesOf(answer).join(', ')}`);
    }
    free.push(agent);
  };
  recorder.watchSends((reply) => {
    const waiting = ringing.get(reply.conversationId);
    if (!waiting || !(reply.activity.attachments as unknown[] | undefined)?.length) return;
    ringing.delete(reply.conversationId);
    result.cardMs.push(reply.at - waiting.sentAt);
    void complete(waiting.agent, waiting.contactId).finally(waiting.done);
  });
  const started = performance.now();
  const all: Promise<void>[] = [];
  for (const [i, ani] of numbers.entries()) {
    if (performance.now() - started > maxSeconds * 1000) break;
    const due = started + (i * 1000) / rate;
    if (due > performance.now()) await sleep(due - performance.now());
    let agent = free.shift();
    if (!agent) {
      result.waitedForAgent++;
      while (!(agent = free.shift())) await sleep(1);
    }
    const contactId = `bench-${runId}-${i}`;
    const body = {
      id: `${contactId}-offered`,
      type: 'contact.offered',
      at: new Date().toISOString(),
      agent: { aadObjectId: agent.aadObjectId },
      contact: { id: contactId, channel: 'voice', ani, dnis: '+18005550100', skill: 'Billing' },
    };
    const offeredTo = agent;
    all.push(
      new Promise<void>((done) => {
        ringing.set(offeredTo.conversationId, { sentAt: performance.now(), contactId, agent: offeredTo, done });
        postAcdEvents(client, body).then(
          (answer) => {
            result.answerMs.push(answer.answeredAt - answer.sentAt);
            if (outcomesOf(answer)[0] !== 'applied') fail(`offer ${contactId}: ${outcomesOf(answer).join(', ')}`);
          },
          (error: unknown) => fail(`offer ${contactId}: ${String(error)}`),
        );
      }),
    );
    result.offered++;
  }
  result.seconds = (performance.now() - started) / 1000;
  // Every card is waited for at most 30 s after the last offer; one that never came is counted lost.
  await Promise.race([Promise.all(all), sleep(30_000)]);
  if (ringing.size) context.log(`acd-events: ${ringing.size} cards not posted within 30 s of the last offer`);
  recorder.watchSends(undefined);
  if (result.failures.count) context.log(`acd-events: ${result.failures.count} failures, e.g. ${result.failures.examples[0]}`);
  return result;
}
