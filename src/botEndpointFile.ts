import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a running bot says it listens: `<DATA_DIR>/bot-endpoint`, written once it is ready and removed when it
 * stops. `npm run playground` reads it, so it finds a bot started with any PORT (0 included) without being told.
 * A bot that crashed leaves it behind: a reader checks that the endpoint answers before trusting it.
 */
const FILE = 'bot-endpoint';

/** Writes the endpoint; the returned function removes it (at stop). */
export function announceEndpoint(dataDir: string, endpoint: string): () => void {
  const file = join(dataDir, FILE);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${endpoint}\n`);
  return () => rmSync(file, { force: true });
}

/** The endpoint the bot last started with this data folder announced, if any. */
export function announcedEndpoint(dataDir: string): string | undefined {
  try {
    return readFileSync(join(dataDir, FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
