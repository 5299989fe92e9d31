import { BotChild, freePort, untilHealthy } from '../lib/child.js';
import { paced, settle } from '../lib/load.js';
import { Recorder } from '../lib/recorder.js';
import { fmt, type BenchContext, type ScenarioResult } from '../lib/scenario.js';
import { cpuMs, distribution, mb, pool, round, type Distribution } from '../lib/stats.js';
import { BotClient, cardOf, TeamsAgent } from '../lib/teams.js';

/** The echo bot's figures, the floor every product figure is compared with. */
export interface Floor {
  turnsPerSecond: number;
  turns: Distribution;
  cpuMsPerTurn: number;
  /** Paced Universal Action invokes (the Link scenario's load on the echo bot). */
  invokes: Distribution;
  cpuMsPerInvoke: number;
  rssIdleMb: number;
}

/**
 * The floor: the bare botbuilder echo bot (bench/echoBot.ts), started like the product (its own process,
 * node --import tsx) and loaded like it: the same closed loop of chat messages (each answered with one
 * small Adaptive Card at the recording connector), then the same paced invokes as the Link scenario.
 */
export async function echoFloor(context: BenchContext): Promise<{ result: ScenarioResult; floor: Floor }> {
  const { config } = context;
  const port = await freePort();
  const child = await BotChild.start({ app: 'echo', runtime: { kind: 'tsx', cache: true }, port });
  const recorder = new Recorder();
  await recorder.start();
  const client = new BotClient(port, recorder, Math.max(config.concurrency, config.linkAgents) + 8);
  try {
    await untilHealthy(port, child);
    await settle(child);
    const idle = await child.usage();
    const agents = Array.from({ length: config.concurrency }, (_, i) => new TeamsAgent(client, `echo-agent-${i}`));
    let failures = 0;
    const turn = async (i: number, latencies?: number[]) => {
      const t = await agents[i % agents.length]!.say(`hello ${i}`);
      if (t.status !== 200 || !cardOf(t.replies[0])) failures++;
      else latencies?.push(t.latencyMs);
    };
    context.log(`echo: ${config.echoTurns} warm-up turns`);
    await pool(config.echoTurns, config.concurrency, (i) => turn(i));
    await settle(child);

    context.log(`echo: ${config.echoTurns} measured turns, ${config.concurrency} in flight`);
    const latencies: number[] = [];
    const before = await child.usage();
    const started = performance.now();
    await pool(config.echoTurns, config.concurrency, (i) => turn(i, latencies));
    const elapsed = performance.now() - started;
    await settle(child);
    const after = await child.usage();
    const turns = distribution(latencies);
    const cpuPerTurn = cpuMs(before.cpu, after.cpu) / config.echoTurns;

    context.log(`echo: ${config.linkAgents} agents clicking every ~${config.linkThinkMs} ms for ${config.linkSeconds} s`);
    const clickers = Array.from({ length: config.linkAgents }, (_, i) => new TeamsAgent(client, `echo-clicker-${i}`));
    let clicks = 0;
    const invokeBefore = await child.usage();
    const invokeLatencies = await paced(config.linkAgents, config.linkSeconds, config.linkThinkMs, async (a) => {
      clicks++;
      const t = await clickers[a]!.invoke('customerCard.link', { interactionId: '00000000-0000-4000-8000-000000000000', recordType: 'contact', recordId: `con-${a}` });
      if (t.status !== 200 || !t.card) {
        failures++;
        return undefined;
      }
      return t.latencyMs;
    });
    await settle(child);
    const invokeAfter = await child.usage();
    const invokes = distribution(invokeLatencies);

    const floor: Floor = {
      turnsPerSecond: round(config.echoTurns / (elapsed / 1000), 0),
      turns,
      cpuMsPerTurn: round(cpuPerTurn, 3),
      invokes,
      cpuMsPerInvoke: round(cpuMs(invokeBefore.cpu, invokeAfter.cpu) / Math.max(1, clicks), 3),
      rssIdleMb: mb(idle.memory.rss),
    };
    const scenario = 'echo floor';
    const result: ScenarioResult = {
      slug: 'echo-floor',
      title: 'Echo floor: bare botbuilder bot, one small Adaptive Card per message',
      rows: [
        { scenario, figure: 'turns/s', value: fmt(floor.turnsPerSecond), goal: '(the floor)', verdict: 'floor' },
        { scenario, figure: 'p50 / p99 per turn', value: `${fmt(turns.p50)} / ${fmt(turns.p99)} ms`, goal: '(the floor)', verdict: 'floor' },
        { scenario, figure: 'CPU per turn', value: `${fmt(floor.cpuMsPerTurn, 3)} ms`, goal: '(the floor)', verdict: 'floor' },
        { scenario, figure: `invoke p50 / p99, ${config.linkAgents} paced agents`, value: `${fmt(invokes.p50)} / ${fmt(invokes.p99)} ms`, goal: '(the floor)', verdict: 'floor' },
      ],
      misses: [],
      figures: { ...floor, failures, concurrency: config.concurrency, measuredTurns: config.echoTurns, invokeClicks: clicks, rssIdleBytes: idle.memory.rss },
    };
    if (failures) result.notes = [`${failures} echo turns failed`];
    return { result, floor };
  } finally {
    client.close();
    await child.stop();
    await recorder.stop();
  }
}
