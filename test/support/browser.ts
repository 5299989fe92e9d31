import { existsSync } from 'node:fs';
import { basename } from 'node:path';

/** The browser the tests drive: Debian's Chromium (apt package `chromium`); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** CI sets CI (to true, or 1); an empty value, 0 or false is a developer's machine. */
const inCi = (): boolean => !['', '0', 'false'].includes((process.env.CI ?? '').trim().toLowerCase());

/**
 * Whether the browser tests of `testFile` (pass `import.meta.url`) can run here: `describe.skipIf(!browserAvailable(…))`.
 * Without Chromium a developer's machine skips them, saying so in one line with how to enable them; in CI a
 * missing browser fails the file instead, so the browser suite is never skipped there.
 */
export function browserAvailable(testFile: string): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const file = basename(testFile);
  if (inCi()) {
    throw new Error(`${file}: no Chromium at ${CHROMIUM_PATH}, and CI runs the browser tests (install Debian's chromium, as .ci/run does, or set CHROMIUM_PATH)`);
  }
  process.stderr.write(`Skipped the browser tests of ${file}: no Chromium at ${CHROMIUM_PATH}. To run them: sudo apt-get install chromium (or set CHROMIUM_PATH).\n`);
  return false;
}
