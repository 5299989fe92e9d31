import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const warnings = fileURLToPath(new URL('../src/warnings.ts', import.meta.url));

/** What a Node process that loads src/warnings.ts and then runs `script` prints on stderr. */
function stderrOf(script: string): string {
  const program = `await import(${JSON.stringify(warnings)}); ${script}; await new Promise((resolve) => setTimeout(resolve, 20));`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], { encoding: 'utf8', timeout: 20_000 });
  if (run.status !== 0) throw new Error(`the script failed (${run.status}): ${run.stderr}`);
  return run.stderr;
}

describe('process warnings', () => {
  it("leave out DEP0111 (restify's process.binding on Node 20), however it is emitted", () => {
    const script = "process.binding('http_parser'); process.emitWarning('a', 'DeprecationWarning', 'DEP0111'); process.emitWarning('b', { type: 'DeprecationWarning', code: 'DEP0111' })";
    expect(stderrOf(script)).toBe('');
  });

  it('print every other warning and deprecation as before', () => {
    const printed = stderrOf("process.emitWarning('old API', 'DeprecationWarning', 'DEP0999'); process.emitWarning('careful', { code: 'X1', detail: 'why' }); process.emitWarning(new Error('plain'))");
    expect(printed).toMatch(/\[DEP0999\] DeprecationWarning: old API/);
    expect(printed).toMatch(/\[X1\] Warning: careful\nwhy/);
    expect(printed).toMatch(/Error: plain/);
  });
});
