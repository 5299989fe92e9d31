import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { describeImport, importScheduleCommand, ScheduleUsageError, showScheduleCommand } from '../../src/wfm/scheduleCommands.js';
import { scheduleImporter } from '../../src/wfm/scheduleImport.js';
import { SQLITE_STORE, type TestStore } from '../support/stores.js';

// The commands' subject is the text they print; storage is tested in scheduleImport.test.ts on both stores.
describe('the schedule commands', () => {
  let store: TestStore;
  let unit: UnitOfWork;
  let dir: string;
  const now = new Date('2026-12-06T18:00:00.000Z');
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const deps = () => ({ schedules: scheduleImporter({ unit, clock: () => now }) });
  const usage = async (run: Promise<unknown>) => {
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ScheduleUsageError);
    return (error as Error).message;
  };

  beforeEach(async () => {
    store = await SQLITE_STORE.open();
    unit = new UnitOfWork(store.db);
    dir = mkdtempSync(join(tmpdir(), 'schedule-'));
    await unit.repos.agents.upsert('aad-ann', 'Ann Lee', now.toISOString());
    await store.db.updateTable('agents').set({ email: 'ann.lee@contoso.example' }).where('id', '=', 'aad-ann').execute();
  });
  afterEach(async () => {
    await store.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a CSV file and lists what it refused', async () => {
    const path = file(
      'week.CSV',
      [
        'agent,activity,start,end',
        'ann.lee@contoso.example,Phone,2026-12-07T09:00:00+01:00,2026-12-07T12:00:00+01:00',
        'ann.lee@contoso.example,Lunch,2026-12-07T12:00:00+01:00,2026-12-07T13:00:00+01:00',
        'ann.lee@contoso.example,Phone,2026-12-07T23:00:00+01:00,2026-12-08T01:00:00+01:00',
        'nobody@contoso.example,Phone,2026-12-07T09:00:00+01:00,2026-12-07T12:00:00+01:00',
      ].join('\n'),
    );
    expect(await importScheduleCommand([path], deps())).toBe(
      ['Published 3 schedule lines for 1 agent.', 'Refused 1 line:', '  line 5: agent: no agent known by this email or Entra object id ("nobody@contoso.example")'].join('\n'),
    );
    expect(await showScheduleCommand(['ann.lee@contoso.example', '2026-12-07'], { unit, siteTimeZone: 'Europe/Paris' })).toBe(
      ['Ann Lee on 2026-12-07 (Europe/Paris):', '  09:00–12:00  Phone', '  12:00–13:00  Lunch', '  23:00–01:00 (the day after)  Phone'].join('\n'),
    );
    expect(await showScheduleCommand(['aad-ann', '2026-12-08'], { unit, siteTimeZone: 'Europe/Paris' })).toBe(
      ['Ann Lee on 2026-12-08 (Europe/Paris):', '  23:00 (the day before)–01:00  Phone'].join('\n'),
    );
    expect(await showScheduleCommand(['aad-ann', '2026-12-09'], { unit, siteTimeZone: 'Europe/Paris' })).toBe('Ann Lee on 2026-12-09 (Europe/Paris): nothing scheduled.');
    expect(await showScheduleCommand(['zed@contoso.example', '2026-12-09'], { unit, siteTimeZone: 'UTC' })).toBe('No agent known by "zed@contoso.example" (an email or Entra object id).');
  });

  it('imports a JSON file', async () => {
    const path = file('week.json', JSON.stringify({ activities: [{ agent: 'aad-ann', activity: 'Phone', start: '2026-12-07T09:00:00Z', end: '2026-12-07T17:00:00Z' }] }));
    expect(await importScheduleCommand([path], deps())).toBe('Published 1 schedule line for 1 agent.');
  });

  it('refuses arguments it cannot use, naming the problem', async () => {
    expect(await usage(importScheduleCommand([], deps()))).toContain('import-schedule takes one file');
    expect(await usage(importScheduleCommand([file('week.txt', 'x')], deps()))).toContain('must end in .csv or .json');
    expect(await usage(importScheduleCommand([join(dir, 'missing.csv')], deps()))).toContain('no readable file at');
    expect(await usage(importScheduleCommand([file('big.csv', 'x'.repeat(2 * 1024 * 1024 + 1))], deps()))).toBe('import-schedule: the file is over 2 MB');
    expect(await usage(showScheduleCommand(['aad-ann'], { unit, siteTimeZone: 'UTC' }))).toContain('show-schedule takes an agent and a date');
    expect(await usage(showScheduleCommand(['aad-ann', '2026-02-30'], { unit, siteTimeZone: 'UTC' }))).toBe('show-schedule: the date must be YYYY-MM-DD ("2026-02-30")');
  });

  it('lists at most 50 refusals and counts the rest', () => {
    const rejected = Array.from({ length: 53 }, (_, index) => ({ line: index + 2, reason: 'end: not after start' }));
    const text = describeImport({ imported: 0, agents: 0, rejected });
    expect(text.split('\n')).toHaveLength(2 + 50 + 1);
    expect(text).toContain('Refused 53 lines:');
    expect(text.endsWith('  … and 3 more')).toBe(true);
  });
});
