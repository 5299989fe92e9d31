import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { WfmApiKeys } from '../../src/wfm/apiKeys.js';
import { scheduleImporter } from '../../src/wfm/scheduleImport.js';
import { parseWfmCommand, runWfmCommand, WFM_USAGE, WfmUsageError } from '../../src/wfm/wfmCommands.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const refusal = (argv: string[]) => {
  try {
    parseWfmCommand(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(WfmUsageError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(argv)} to be refused`);
};

describe('the wfm admin command line', () => {
  it('reads add-key, revoke-key, list-keys and help', () => {
    expect(parseWfmCommand(['add-key', 'nice-wfm'])).toEqual({ command: 'add-key', args: ['nice-wfm'] });
    expect(parseWfmCommand(['revoke-key', 'nice-wfm'])).toEqual({ command: 'revoke-key', args: ['nice-wfm'] });
    expect(parseWfmCommand(['list-keys'])).toEqual({ command: 'list-keys', args: [] });
    expect(parseWfmCommand([])).toEqual({ command: 'help' });
    expect(parseWfmCommand(['--help'])).toEqual({ command: 'help' });
  });

  it('lists every command in its usage', async () => {
    for (const name of ['add-key <consumer>', 'revoke-key <consumer>', 'list-keys', 'import-schedule <file.csv|file.json>', 'show-schedule <agent email or id> <YYYY-MM-DD>']) {
      expect(WFM_USAGE).toContain(`npm run wfm -- ${name}`);
    }
    expect(await runWfmCommand({ command: 'help' }, undefined as never)).toBe(WFM_USAGE);
  });

  it.each([
    ['add-key without a consumer', ['add-key'], "add-key needs the consumer's name"],
    ['revoke-key without a consumer', ['revoke-key'], "revoke-key needs the consumer's name"],
    ['a stray argument', ['add-key', 'a', 'b'], 'unexpected argument: b'],
    ['arguments to list-keys', ['list-keys', 'x'], 'unexpected argument: x'],
    ['an unknown command', ['drop-keys'], 'unknown command: drop-keys (add-key, revoke-key, list-keys, import-schedule, show-schedule)'],
    ['import-schedule without a file', ['import-schedule'], 'import-schedule takes one file'],
    ['show-schedule without a date', ['show-schedule', 'ann@contoso.example'], 'show-schedule takes an agent and a date'],
    ['a name of the prototype', ['constructor'], 'unknown command: constructor'],
    ['a long unknown command, clipped', ['x'.repeat(500)], `unknown command: ${'x'.repeat(50)}…`],
  ])('refuses %s', (_what, argv, problem) => {
    expect(refusal(argv)).toContain(problem);
  });
});

describe.each(STORE_BACKENDS)('WFM API keys on $name', (backend) => {
  let store: TestStore;
  let keys: WfmApiKeys;
  let unit: UnitOfWork;
  let now = Date.parse('2026-12-01T09:00:00.000Z');
  const clock = () => new Date((now += 1000));
  const run = (...argv: string[]) => runWfmCommand(parseWfmCommand(argv), { keys, unit, schedules: scheduleImporter({ unit, clock }), siteTimeZone: 'Europe/Paris' });

  beforeAll(async () => {
    store = await backend.open();
    unit = new UnitOfWork(store.db);
    keys = new WfmApiKeys({ unit, clock });
  });

  it("publishes a schedule file and shows an agent's day through the same command table", async () => {
    await unit.repos.agents.upsert('aad-ann', 'Ann Lee', new Date(now).toISOString());
    await store.db.updateTable('agents').set({ email: 'ann.lee@contoso.example' }).where('id', '=', 'aad-ann').execute();
    const dir = mkdtempSync(join(tmpdir(), 'wfm-cli-'));
    try {
      const file = join(dir, 'week.csv');
      writeFileSync(
        file,
        'agent,activity,start,end\nann.lee@contoso.example,Open,2026-12-07T08:00:00+01:00,2026-12-07T12:00:00+01:00\nnobody@contoso.example,Open,2026-12-07T08:00:00+01:00,2026-12-07T12:00:00+01:00\n',
      );
      expect(await run('import-schedule', file)).toBe(
        'Published 1 schedule line for 1 agent.\nRefused 1 line:\n  line 3: agent: no agent known by this email or Entra object id ("nobody@contoso.example")',
      );
      expect(await run('show-schedule', 'ann.lee@contoso.example', '2026-12-07')).toBe('Ann Lee on 2026-12-07 (Europe/Paris):\n  08:00–12:00  Open');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  afterAll(async () => {
    await store.dispose();
  });

  it('issues a key shown once, kept only as a hash, that verifies as its consumer', async () => {
    const { consumer, key } = await keys.issue('verint');
    expect(consumer).toBe('verint');
    expect(key).toMatch(/^wfm_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const row = await store.db.selectFrom('wfm_api_keys').selectAll().where('consumer', '=', 'verint').executeTakeFirstOrThrow();
    expect(row.key_hash).toMatch(/^scrypt\$/);
    expect(row.key_hash).not.toContain(key.slice(17));
    expect(await keys.verify(key)).toBe('verint');
  });

  it('refuses a wrong secret, an unknown id, a malformed key and nothing alike', async () => {
    const { key } = await keys.issue('nice');
    const secret = key.slice(17);
    const flipped = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(await keys.verify(flipped)).toBeNull();
    expect(await keys.verify(`wfm_000000000000_${secret}`)).toBeNull();
    expect(await keys.verify(secret)).toBeNull();
    expect(await keys.verify('')).toBeNull();
    expect(await keys.verify(`${key}x`)).toBeNull();
  });

  it('a revoked key answers like an unknown one; issuing again replaces the old key', async () => {
    const first = await keys.issue('calabrio');
    expect(await keys.revoke('calabrio')).toBe(true);
    expect(await keys.verify(first.key)).toBeNull();
    expect(await keys.revoke('calabrio')).toBe(false);
    expect(await keys.revoke('nobody')).toBe(false);
    const second = await keys.issue('calabrio');
    expect(await keys.verify(second.key)).toBe('calabrio');
    expect(await keys.verify(first.key)).toBeNull();
    const third = await keys.issue('calabrio');
    expect(await keys.verify(second.key)).toBeNull();
    expect(await keys.verify(third.key)).toBe('calabrio');
  });

  it('a key proven before still fails at once when revoked or replaced (the row is read on every request)', async () => {
    const { key } = await keys.issue('genesys');
    expect(await keys.verify(key)).toBe('genesys');
    expect(await keys.verify(key)).toBe('genesys');
    await keys.revoke('genesys');
    expect(await keys.verify(key)).toBeNull();
    const again = await keys.issue('genesys');
    expect(await keys.verify(again.key)).toBe('genesys');
    // The same id with a stored hash changed under it (another instance re-issued): the old proof is no proof.
    const id = again.key.slice(4, 16);
    await store.db
      .updateTable('wfm_api_keys')
      .set({ key_hash: (await store.db.selectFrom('wfm_api_keys').select('key_hash').where('consumer', '=', 'verint').executeTakeFirstOrThrow()).key_hash })
      .where('id', '=', id)
      .execute();
    expect(await keys.verify(again.key)).toBeNull();
  });

  it('refuses a consumer name that is not one, naming it', async () => {
    await expect(keys.issue('acme wfm')).rejects.toThrow(/^consumer: 1 to 64 letters/);
    await expect(keys.issue('')).rejects.toThrow(/^consumer:/);
    await expect(keys.issue('x'.repeat(65))).rejects.toThrow(/^consumer:/);
    await expect(keys.revoke('../x')).rejects.toThrow(/^consumer:/);
  });

  it('the CLI issues, lists without secrets, and revokes', async () => {
    const issued = await run('add-key', 'teleopti');
    const key = /wfm_[0-9a-f]{12}_[A-Za-z0-9_-]{43}/.exec(issued)![0];
    expect(issued).toContain('shown this once');
    expect(await keys.verify(key)).toBe('teleopti');

    const listed = await run('list-keys');
    const line = listed.split('\n').find((l) => l.startsWith('teleopti\t'))!;
    expect(line).toContain(`key ${key.slice(0, 17)}…`);
    expect(line).toContain('in force');
    expect(listed).not.toContain(key.slice(17));
    expect(listed).not.toContain('scrypt');

    expect(await run('revoke-key', 'teleopti')).toBe('The key of teleopti is revoked.');
    expect(await run('revoke-key', 'teleopti')).toBe('teleopti has no key in force: nothing to revoke.');
    expect((await run('list-keys')).split('\n').find((l) => l.startsWith('teleopti\t'))).toMatch(/\trevoked 2026-12-01T09:00:\d{2}\.000Z$/);
    expect(await keys.verify(key)).toBeNull();
  });
});
