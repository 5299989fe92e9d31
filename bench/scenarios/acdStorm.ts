import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { sampleNumbers } from '../../scripts/seed/generate.js';
import type { Database as Schema } from '../../src/store/schema.js';
import { BENCH_ACD_SECRET, outcomesOf, postAcdEvents } from '../lib/acd.js';
import { checkStorm, makeStorm } from '../lib/acdStorm.js';
import { BotChild, freePort, untilHealthy } from '../lib/child.js';
import { settle } from '../lib/load.js';
import { Recorder } from '../lib/recorder.js';
import { fmt, type BenchContext, type ScenarioResult } from '../lib/scenario.js';
import { pool, round } from '../lib/stats.js';
import { BotClient, TeamsAgent } from '../lib/teams.js';

/**
 * Duplicated and reordered event storm (issue 13), at the bench's size: `stormAgents` agents each take
 * `stormContacts` contacts; every event is sent 1–3 times, all shuffled together, in batches of 1–5 with
 * 8 requests in flight; then the store and the connector are checked (bench/lib/acdStorm.ts, the same check
 * test/acd/storm.test.ts makes small): doubled cards and lost transitions, both to be 0.
 */
export async function acdStorm(context: BenchContext): Promise<ScenarioResult> {
  const { config, plan } = context;
  const port = await freePort();
  const child = await BotChild.start({ app: 'product', runtime: { kind: 'tsx', cache: true }, port, dataDir: context.dataDir, env: { ACD_EVENTS_SECRET: BENCH_ACD_SECRET, ACD_SIMULATOR: 'off' } });
  const recorder = new Recorder();
  await recorder.start();
  const client = new BotClient(port, recorder, 16);
  const cards = new Map<string, number>();
  const raw = new Database(join(context.dataDir, 'customer-card.sqlite'), { readonly: true, fileMustExist: true });
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: raw }) });
  const scenario = `ACD event storm, ${fmt(config.stormAgents)} agents × ${config.stormContacts} contacts`;
  try {
    await untilHealthy(port, child);
    const run = Date.now().toString(36);
    const agents = Array.from({ length: config.stormAgents }, (_, i) => new TeamsAgent(client, `storm-${run}-agent-${i}`));
    context.log(`acd-storm: ${agents.length} agents open the bot`);
    await pool(agents.length, 8, async (i) => void (await agents[i]!.say('unavailable Lunch')));
    const numbers = sampleNumbers(plan, agents.length * config.stormContacts, 'single', 41);
    const storm = makeStorm({ agents, contactsPerAgent: config.stormContacts, ani: (n) => numbers[n % numbers.length]!, seed: 2026, runId: `storm-${run}` });
    recorder.watchSends((reply) => {
      if ((reply.activity.attachments as unknown[] | undefined)?.length) cards.set(reply.conversationId, (cards.get(reply.conversationId) ?? 0) + 1);
    });
    const batches: Array<Array<Record<string, unknown>>> = [];
    for (let i = 0; i < storm.sent.length;) {
      const size = 1 + (i % 5);
      batches.push(storm.sent.slice(i, (i += size)));
    }
    context.log(`acd-storm: ${fmt(storm.sent.length)} events (${fmt(storm.events.length)} distinct) in ${fmt(batches.length)} requests`);
    const outcomes = new Map<string, number>();
    const started = performance.now();
    await pool(batches.length, 8, async (b) => {
      const batch = batches[b]!;
      for (const outcome of outcomesOf(await postAcdEvents(client, batch.length === 1 ? batch[0] : { events: batch }))) outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    });
    const seconds = (performance.now() - started) / 1000;
    await settle(child);
    recorder.watchSends(undefined);
    const outcome = await checkStorm(db, storm, (conversationId) => cards.get(conversationId) ?? 0);
    const duplicatesAnswered = outcomes.get('duplicate') ?? 0;
    const notes = outcome.examples.length ? [`wrong after the storm, e.g. ${outcome.examples.join('; ')}`] : [];
    const unexpected = [...outcomes].filter(([o]) => !['applied', 'duplicate', 'superseded', 'held'].includes(o));
    if (unexpected.length)
      notes.push(
        `answers other than applied/duplicate/superseded/held: ${unexpected
          .map(([o, n]) => `${n}× ${o}`)
          .join('; ')
          .slice(0, 400)}`,
      );
    const check = (value: number) => (value === 0 ? 'met' : 'missed');
    return {
      slug: 'acd-storm',
      title: `ACD event storm: each event 1–3 times in random order, ${fmt(config.stormAgents)} agents, ${fmt(outcome.contacts)} contacts`,
      rows: [
        {
          scenario,
          figure: `doubled cards (cards beyond one per contact; ${fmt(outcome.sentEvents)} events sent, ${fmt(outcome.distinctEvents)} distinct)`,
          value: fmt(outcome.doubledCards + outcome.doubledInteractions),
          goal: '0',
          verdict: check(outcome.doubledCards + outcome.doubledInteractions),
        },
        {
          scenario,
          figure: 'lost transitions (contacts not completed with the ACD’s disposition, agents not in their last state)',
          value: fmt(outcome.lostTransitions),
          goal: '0',
          verdict: check(outcome.lostTransitions),
        },
        { scenario, figure: `repeats answered "duplicate" (of ${fmt(outcome.sentEvents - outcome.distinctEvents)} repeats)`, value: fmt(duplicatesAnswered), goal: '', verdict: 'info' },
        { scenario, figure: 'events taken per second (8 requests in flight, batches of 1–5)', value: `${fmt(outcome.sentEvents / seconds, 0)}/s`, goal: '', verdict: 'info' },
      ],
      misses: [
        ...(outcome.doubledCards + outcome.doubledInteractions
          ? [{ scenario, figure: 'doubled cards', by: `${outcome.doubledCards} cards, ${outcome.doubledInteractions} interactions against 0`, dominates: 'see the notes' }]
          : []),
        ...(outcome.lostTransitions ? [{ scenario, figure: 'lost transitions', by: `${outcome.lostTransitions} against 0`, dominates: outcome.examples.join('; ') }] : []),
      ],
      figures: { ...outcome, outcomes: Object.fromEntries(outcomes), seconds: round(seconds) },
      notes,
    };
  } finally {
    client.close();
    await child.stop();
    await recorder.stop();
    await db.destroy();
  }
}
