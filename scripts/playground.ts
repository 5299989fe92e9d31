/**
 * `npm run playground [-- --headless] [-- <agentsplayground flags>]`: the Microsoft 365 Agents Playground (a local
 * Teams stand-in, offline) against the bot started with `npm start`. Flags are forwarded to the playground
 * (`npx agentsplayground --help` lists them); -e/--app-endpoint, -c/--channel-id and -p/--port have defaults here.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { announcedEndpoint } from '../src/botEndpointFile.js';

const argv = process.argv.slice(2);
const headless = argv.includes('--headless') || process.env.TEAMSAPPTESTER_BROWSER === 'none';
const args = argv.filter((a) => a !== '--headless');
const flag = (...names: string[]): string | undefined => {
  const i = args.findIndex((a) => names.some((n) => a === n || a.startsWith(`${n}=`)));
  if (i < 0) return undefined;
  return args[i]!.includes('=') ? args[i]!.slice(args[i]!.indexOf('=') + 1) : args[i + 1];
};
const portFree = (port: number) =>
  new Promise<boolean>((done) => {
    const probe = createServer().once('error', () => done(false));
    probe.listen(port, () => probe.close(() => done(true)));
  });
const anyPort = () =>
  new Promise<number>((done) => {
    const probe = createServer().listen(0, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });

const helpOnly = args.some((a) => ['-h', '--help', '-v', '--version'].includes(a));
const dataDir = resolve(process.env.DATA_DIR ?? 'data');
// The bot's endpoint: as given (-e), else on PORT as the bot reads it, else where the bot started with this data
// folder says it listens (any PORT, 0 included: see src/botEndpointFile.ts), else the default port.
const botPort = process.env.PORT?.trim() || undefined;
if (botPort !== undefined && !/^\d+$/.test(botPort)) {
  console.error(`PORT: must be the bot's port, a whole number from 1 to 65535 (got ${JSON.stringify(botPort)}).`);
  process.exit(1);
}
const announced = botPort === undefined || botPort === '0' ? announcedEndpoint(dataDir) : undefined;
const endpoint = flag('-e', '--app-endpoint') ?? (botPort && botPort !== '0' ? `http://localhost:${botPort}/api/messages` : (announced ?? 'http://localhost:3978/api/messages'));
if (!flag('-e', '--app-endpoint')) args.push('--app-endpoint', endpoint);
if (!flag('-c', '--channel-id')) args.push('--channel-id', 'msteams');
// Nothing leaves this machine unless asked: the playground's telemetry is off by default here.
if (!args.some((a) => a === '--dt' || a.startsWith('--disable-telemetry'))) args.push('--disable-telemetry');
let port = Number(flag('-p', '--port') ?? process.env.TEAMSAPPTESTER_PORT ?? 56150);
if (!flag('-p', '--port')) {
  if (!(await portFree(port))) port = await anyPort();
  args.push('--port', String(port));
}

if (!helpOnly) {
  const health = new URL('/healthz', endpoint).href;
  const problem = await fetch(health, { signal: AbortSignal.timeout(3000) }).then(
    (res) => (res.ok ? undefined : `it answered ${res.status} (still starting? try again in a moment)`),
    (error: Error) => (error.cause as Error | undefined)?.message ?? error.message,
  );
  if (problem) {
    console.error(`The bot is not reachable: GET ${health}: ${problem}.`);
    if (announced) console.error(`(${endpoint} is where the bot last started with ${dataDir} said it listens.)`);
    console.error('Start it in another terminal with `npm start` (without BOT_ID: the playground sends no token), then run this again;');
    console.error('a bot on another port is found when both use the same DATA_DIR, or run PORT=<its port> npm run playground.');
    process.exit(1);
  }
  if (process.env.BOT_ID) console.warn('Note: BOT_ID is set here; a bot started with it refuses the playground (401).');
  console.log(`Agents Playground: http://localhost:${port}  ->  bot ${endpoint}`);
  console.log(headless ? 'Headless: open that address in a browser to chat.' : 'Opening it in your browser; Ctrl-C stops it.');
}

const cli = resolve(dirname(createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
const child = spawn(process.execPath, [cli, ...args], {
  stdio: 'inherit',
  env: {
    ...process.env,
    ...(headless ? { TEAMSAPPTESTER_BROWSER: 'none' } : {}),
    // Its log goes to ./devTools/ by default; data/ is already ignored by git.
    M365_AGENTS_PLAYGROUND_LOGFILE: process.env.M365_AGENTS_PLAYGROUND_LOGFILE ?? resolve(dataDir, 'm365agentsplayground.log'),
  },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
