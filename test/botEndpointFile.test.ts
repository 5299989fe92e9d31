import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { announcedEndpoint, announceEndpoint } from '../src/botEndpointFile.js';

describe('the endpoint a running bot announces (what npm run playground connects to)', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'endpoint-'));
    dirs.push(dir);
    return join(dir, 'data');
  };
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('is read back from the same data folder while the bot runs, and gone once it stops', () => {
    const dir = dataDir();
    expect(announcedEndpoint(dir)).toBeUndefined();
    const stop = announceEndpoint(dir, 'http://localhost:4123/api/messages');
    expect(announcedEndpoint(dir)).toBe('http://localhost:4123/api/messages');
    expect(announcedEndpoint(dataDir())).toBeUndefined();
    stop();
    expect(announcedEndpoint(dir)).toBeUndefined();
  });
});
