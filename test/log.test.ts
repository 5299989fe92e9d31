import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const log = fileURLToPath(new URL('../src/log.ts', import.meta.url));

/** A Node process that logs one line through createLogger, then prints whether pino-pretty was loaded. */
const program = [
  `const { createLogger } = await import(${JSON.stringify(log)});`,
  "createLogger('info').info({ part: 'test' }, 'hello there');",
  "const { createRequire } = await import('node:module');",
  "const loaded = Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/node_modules/pino-pretty/'));",
  'console.log(`pino-pretty loaded: ${loaded}`);',
].join(' ');
const node = [process.execPath, '--import', 'tsx', '--input-type=module', '-e', program];

describe('logs', () => {
  it('to a pipe are JSON lines, and pino-pretty is not even loaded (a deployment start does not pay for it)', () => {
    const run = spawnSync(node[0]!, node.slice(1), { encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(0);
    const [line, loaded] = run.stdout.trim().split('\n');
    expect(JSON.parse(line!)).toMatchObject({ msg: 'hello there', part: 'test', service: 'customer-card' });
    expect(loaded).toBe('pino-pretty loaded: false');
  });

  // `script` gives the process a terminal as its stdout (util-linux; on every Linux CI image).
  it.runIf(process.platform === 'linux')('to a terminal are readable lines: time, level, message, fields', () => {
    const quoted = node.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
    // NO_COLOR: plain text to match (colorette, pino-pretty's colours, reads it).
    const run = spawnSync('script', ['-qec', quoted, '/dev/null'], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(run.status).toBe(0);
    const text = run.stdout;
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: hello there\r?\n\s+part: "test"/m);
    expect(text).toMatch(/pino-pretty loaded: true/);
  });
});
