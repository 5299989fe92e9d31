import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_COMMAND_CHARS } from '../../src/domain/commandText.js';
import { excerpt } from '../../src/domain/excerpt.js';
import { toE164 } from '../../src/domain/phone.js';
import { createLogger } from '../../src/log.js';
import { MAX_LOGGED_CHARS } from '../../src/logLimits.js';
import { startBot, type BotHarness, type TeamsUser } from '../support/botHarness.js';
import { SQLITE_STORE, type TestStore } from '../support/stores.js';

/** A text as long as the one that exhausted the heap (990 KB), distinct per use so no cache can share it. */
const oversized = (tag: string) => `${tag}-${'9'.repeat(990_000)}`;
/** Bounds of what answers and log lines may hold. */
const MAX_REPLY_CHARS = 400;
const MAX_LOG_LINE_CHARS = 2_000;
/** Whether a text holds a long run of an oversized input (more than any excerpt of it may quote). */
const holdsInput = (text: string) => text.includes('9'.repeat(MAX_LOGGED_CHARS + 1));

/** Heap in use after a full collection (gc exposed at runtime, as --expose-gc would). */
function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return getHeapStatistics().used_heap_size;
}

describe('excerpt', () => {
  it('keeps short text whole and cuts long text to the limit, on one line, never inside a surrogate pair', () => {
    expect(excerpt('call +1 206', 40)).toBe('call +1 206');
    expect(excerpt('a\nb\t c', 40)).toBe('a b c');
    const cut = excerpt('x'.repeat(1_000_000), 40);
    expect(cut).toBe(`${'x'.repeat(39)}…`);
    expect(excerpt(`${'x'.repeat(38)}😀😀`, 40)).toBe(`${'x'.repeat(38)}…`);
  });
});

describe('log lines never carry a whole input', () => {
  it('cuts every string of a line, in fields, nested values, lists, errors and the message', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const input = oversized('call');
    logger.info({ text: input, nested: { deeper: { text: input } }, list: Array.from({ length: 1000 }, () => input) }, input);
    const error = Object.assign(new Error(input), { body: input });
    logger.error({ err: error }, 'failed');
    logger.error(error);
    logger.child({ part: 'bot' }).warn({ error, [input]: 1 }, 'child');
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(line.length).toBeLessThan(10_000);
      expect(holdsInput(line)).toBe(false);
      expect(line).toContain('call-9999'); // an excerpt, not nothing
    }
    const failed = JSON.parse(lines[1]!);
    expect(failed.err.type).toBe('Error');
    expect(failed.err.stack).toMatch(/^Error: call-9+…\n {4}at /); // the frames survive the cut message
  });

  it('still redacts secrets', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    logger.info({ config: { bot: { password: 'hunter2' } }, auth: { token: 'abc' } }, 'starting');
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]).not.toContain('abc');
    expect(JSON.parse(lines[0]!).config.bot.password).toBe('[redacted]');
  });
});

describe('the phone-number cache is bounded in bytes', () => {
  it('2,000 distinct oversized texts leave the heap as it was', () => {
    const before = heapAfterGc();
    for (let i = 0; i < 2_000; i++) expect(toE164(`${i}${'5'.repeat(100_000)}`, 'US')).toBeNull();
    for (let i = 0; i < 2_000; i++) toE164(`+1 206 555 ${String(i).padStart(4, '0')} ${'x'.repeat(70)}`, 'US'); // under the parse limit, over the key limit
    // Kept whole, these would be 200 MB and more; bounded, nothing of them stays.
    expect(heapAfterGc() - before).toBeLessThan(8 * 1024 * 1024); // measured: under 0.1 MB
    expect(toE164('(206) 555-0142', 'US')).toBe('+12065550142');
  });
});

describe('chat commands are bounded at the edge', () => {
  let store: TestStore;
  let bot: BotHarness;
  const lines: string[] = [];
  let n = 0;
  const newAgent = async (): Promise<TeamsUser> => {
    const user = bot.user(`input-${++n}`, `Agent ${n}`);
    await user.sayText('available');
    return user;
  };
  const agentRow = (user: TeamsUser) => store.db.selectFrom('agents').selectAll().where('id', '=', user.aadObjectId).executeTakeFirstOrThrow();
  const interactionsOf = async (user: TeamsUser) => (await store.db.selectFrom('interactions').select('id').where('agent_id', '=', user.aadObjectId).execute()).length;

  beforeAll(async () => {
    store = await SQLITE_STORE.open();
    bot = await startBot(store, {}, createLogger('info', { write: (line: string) => void lines.push(line) }));
  });
  afterAll(async () => {
    await bot.stop();
    await store.dispose();
  });

  it.each(['call', 'search', 'unavailable', 'available', 'status', 'hangup', 'card', 'help', 'something else'])(
    '"%s <990 KB>" is refused with the limit and an excerpt, and changes nothing',
    async (command) => {
      const agent = await newAgent();
      const logged = lines.length;
      const reply = await agent.sayText(`${command} ${oversized(command)}`);
      expect(reply).toMatch(new RegExp(`limited to ${MAX_COMMAND_CHARS} characters; that message has 990,0\\d\\d`));
      expect(reply).toContain(`It began "${command} ${command}-99`);
      expect(reply.length).toBeLessThan(MAX_REPLY_CHARS);
      expect(await interactionsOf(agent)).toBe(0);
      expect((await agentRow(agent)).state).toBe('Available');
      // The refusal is logged, with an excerpt at most.
      const refusal = lines
        .slice(logged)
        .map((line) => JSON.parse(line))
        .find((line) => line.msg === 'request refused');
      expect(refusal?.message).toBe(reply);
    },
  );

  it('reads a message of exactly the limit as a command, and refuses one character more', async () => {
    const agent = await newAgent();
    const atLimit = `search ${'x'.repeat(MAX_COMMAND_CHARS - 'search '.length)}`;
    expect(await agent.sayText(atLimit)).toMatch(/Searches are limited to 100 characters/); // the command's own rule
    expect(await agent.sayText(`${atLimit}x`)).toMatch(/Commands are limited to/);
  });

  it('2,000 oversized calls leave the heap bounded, every answer short, and the process healthy', async () => {
    const agent = await newAgent();
    const before = heapAfterGc();
    const text = '9'.repeat(20_000);
    let longest = 0;
    for (let sent = 0; sent < 2_000; sent += 8) {
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => agent.sayText(`call ${sent + i}${text}`)));
      longest = Math.max(longest, ...answers.map((a) => a.length));
    }
    expect(longest).toBeLessThan(MAX_REPLY_CHARS);
    expect(await interactionsOf(agent)).toBe(0);
    // Measured: about 11 MB, most of it this test's own keeping (2,000 log lines captured, 2,000 replies
    // recorded). The texts themselves, kept anywhere, would be 40 MB more.
    expect(heapAfterGc() - before).toBeLessThan(24 * 1024 * 1024);
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  }, 120_000);

  it.each([
    ['a verb that is an array', { type: 'Action.Execute', verb: ['customerCard.refresh'] }],
    ['a verb that is an object', { type: 'Action.Execute', verb: JSON.parse('{"__proto__": {"polluted": true}}') as unknown }],
    ['an Action.Submit', { type: 'Action.Submit', verb: 'customerCard.refresh' }],
    ['an oversized verb', { type: 'Action.Execute', verb: oversized('verb') }],
  ])('a card action with %s is a 400 that says so', async (_what, action) => {
    const agent = bot.user(`input-${++n}`);
    const response = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'invoke',
        name: 'adaptiveCard/action',
        id: `f:${n}`,
        channelId: 'msteams',
        serviceUrl: bot.serviceUrl,
        from: { id: agent.id, aadObjectId: agent.aadObjectId },
        recipient: { id: '28:customer-card-bot' },
        conversation: { id: `a:personal-${agent.id}`, conversationType: 'personal' },
        value: { action: { ...action, data: {} }, trigger: 'manual' },
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { statusCode: number; value: { code: string; message: string } };
    expect(body).toMatchObject({ statusCode: 400, value: { code: 'BadRequest' } });
    // It says what is wrong, in a sentence, never with the sender's verb in it.
    expect(body.value.message).toMatch(/^(The card action|value\.action|This card action)/);
    expect(body.value.message.length).toBeLessThan(200);
  });

  it('keeps at most 256 characters of a display name, from a message or an install', async () => {
    const named = bot.user(`input-${++n}`, oversized('name'));
    const help = await named.say('help');
    expect(help).toHaveLength(1);
    expect(JSON.stringify(help).length).toBeLessThan(20_000); // the reply names its recipient: by the bounded name
    expect((await agentRow(named)).name).toMatch(/^name-9+…$/);
    expect((await agentRow(named)).name).toHaveLength(256);
    // An install names the person twice (sender and member added): half as long, to stay within the body limit.
    const installed = bot.user(`input-${++n}`, `installed-${'9'.repeat(400_000)}`);
    const welcome = await installed.install();
    expect(welcome).toHaveLength(1);
    expect(JSON.stringify(welcome).length).toBeLessThan(20_000);
    expect((await agentRow(installed)).name).toHaveLength(256);
  });

  it('no log line is long, and none holds an input', () => {
    expect(lines.length).toBeGreaterThan(2_000);
    for (const line of lines) {
      expect(line.length).toBeLessThan(MAX_LOG_LINE_CHARS);
      expect(holdsInput(line)).toBe(false);
    }
  });
});
