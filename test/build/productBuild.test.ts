import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProduct, dialogsNamesUsedByTeamsAi, REPO, TEAMS_AI_DIALOGS, type ProductBuild } from '../../scripts/build.js';

/** The libraries only a configuration asks for (the CRM adapters'), and what teams-ai's dialogs and AI half would bring. */
const NOT_AT_START = /node_modules\/(jsforce|dynamics-web-api|node-zendesk|@microsoft\/recognizers-text[^/]*|openai|gpt-tokenizer)\//;

/** `npm run build` and `npm run start:prod`: the bundle starts, serves, and reads only what the deployment uses. */
describe('the production build', () => {
  // Inside the repository, so that the bundle finds its external packages (better-sqlite3) in node_modules.
  const outdir = join(REPO, 'node_modules', '.cache', `customer-card-test-build-${process.pid}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'product-build-'));
  let built: ProductBuild;
  let child: ChildProcess | undefined;
  let base: string;

  beforeAll(async () => {
    built = await buildProduct({ entry: join(REPO, 'src', 'index.ts'), outdir });
    child = spawn(process.execPath, [built.file], {
      cwd: REPO,
      env: { PATH: process.env.PATH, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', ACD_SIMULATOR: 'on' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready after 30 s:\n${output}`)), 30_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const ready = /ready: bot endpoint http:\/\/localhost:(\d+)\//.exec(output);
        if (ready) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${ready[1]}`);
        }
      };
      child!.stdout!.on('data', read);
      child!.stderr!.on('data', read);
      child!.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
  }, 90_000);
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(outdir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /healthz and serves the prebuilt tab', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const script = await fetch(`${base}/tabs/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${base}/tabs/index.html`)).status).toBe(200);
  });

  it('leaves the CRM adapters and teams-ai’s unused dialogs out of what a start reads', () => {
    const startInputs = built.startFiles.flatMap((file) => Object.keys(built.metafile.outputs[file]!.inputs));
    expect(startInputs.filter((path) => NOT_AT_START.test(path))).toEqual([]);
    expect(startInputs.some((path) => path.includes('node_modules/botbuilder/'))).toBe(true);
    // ... and keeps them in the build, for a configuration that names them.
    const all = Object.values(built.metafile.outputs).flatMap((output) => Object.keys(output.inputs));
    expect(all.some((path) => path.includes('node_modules/jsforce/'))).toBe(true);
    expect(built.startBytes).toBeLessThan(built.bytes);
  });

  it('gives teams-ai every botbuilder-dialogs name it uses, from the module that defines it', () => {
    const require = createRequire(join(REPO, 'package.json'));
    for (const name of dialogsNamesUsedByTeamsAi()) {
      expect(TEAMS_AI_DIALOGS[name], name).toBeDefined();
      expect((require(TEAMS_AI_DIALOGS[name]!) as Record<string, unknown>)[name], name).toBeDefined();
    }
  });
});
