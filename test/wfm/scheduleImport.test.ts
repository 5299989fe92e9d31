import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import type { ScheduleImporter } from '../../src/wfm/ports.js';
import { scheduleImporter } from '../../src/wfm/scheduleImport.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const CSV_HEADER = 'agent,activity,start,end';
const csv = (...rows: string[]) => [CSV_HEADER, ...rows].join('\r\n');

describe.each(STORE_BACKENDS)('publishing schedules ($name)', (backend) => {
  let store: TestStore;
  let unit: UnitOfWork;
  let schedules: ScheduleImporter;
  const now = new Date('2026-12-06T18:00:00.000Z');

  beforeEach(async () => {
    store = await backend.open();
    unit = new UnitOfWork(store.db);
    await unit.repos.agents.upsert('aad-ann', 'Ann Lee', now.toISOString());
    await unit.repos.agents.upsert('aad-bo', 'Bo Chen', now.toISOString());
    await store.db.updateTable('agents').set({ email: 'ann.lee@contoso.example' }).where('id', '=', 'aad-ann').execute();
    schedules = scheduleImporter({ unit, clock: () => now });
  });
  afterEach(async () => {
    await store.dispose();
  });

  const stored = async () =>
    (await store.db.selectFrom('wfm_schedules').select(['agent_id', 'activity', 'start_at', 'end_at', 'imported_at']).orderBy('agent_id').orderBy('start_at').execute()).map(
      (row) => `${row.agent_id} ${row.activity} ${row.start_at} ${row.end_at}`,
    );

  it('loads the good CSV lines, by email or Entra object id, and refuses the others with their numbers', async () => {
    const result = await schedules.importSchedule(
      csv(
        'Ann.Lee@Contoso.example,Phone,2026-12-07T09:00:00+01:00,2026-12-07T12:00:00+01:00',
        'ann.lee@contoso.example,"Lunch",2026-12-07T12:00:00+01:00,2026-12-07T13:00:00+01:00',
        'zed@contoso.example,Phone,2026-12-07T09:00:00Z,2026-12-07T17:00:00Z',
        'aad-bo,"Team ""A"", weekly",2026-12-07T09:00:00Z,2026-12-07T10:00:00Z',
        'aad-bo,Phone,2026-12-07T09:30:00Z,2026-12-07T11:00:00Z',
        'aad-bo,Phone,2026-12-07T11:00:00Z,2026-12-07T10:00:00Z',
        'aad-ann,Phone,2026-12-07T11:30:00Z,2026-12-07T12:30:00Z',
      ),
      'csv',
    );
    expect(result).toEqual({
      imported: 3,
      agents: 2,
      rejected: [
        { line: 4, reason: 'agent: no agent known by this email or Entra object id ("zed@contoso.example")' },
        { line: 6, reason: 'overlaps line 5 of the same agent' },
        { line: 7, reason: 'end: not after start' },
        { line: 8, reason: 'overlaps line 3 of the same agent' },
      ],
    });
    // No refusal repeats a whole line.
    for (const { reason } of result.rejected) expect(reason).not.toMatch(/2026-12-07T/);
    expect(await stored()).toEqual([
      'aad-ann Phone 2026-12-07T08:00:00.000Z 2026-12-07T11:00:00.000Z',
      'aad-ann Lunch 2026-12-07T11:00:00.000Z 2026-12-07T12:00:00.000Z',
      'aad-bo Team "A", weekly 2026-12-07T09:00:00.000Z 2026-12-07T10:00:00.000Z',
    ]);
    expect((await store.db.selectFrom('wfm_schedules').select('imported_at').executeTakeFirstOrThrow()).imported_at).toBe(now.toISOString());
  });

  it('loads JSON, as a list or {"activities": [...]}', async () => {
    const entry = { agent: 'aad-bo', activity: 'Phone', start: '2026-12-07T09:00:00Z', end: '2026-12-07T17:00:00Z' };
    expect(await schedules.importSchedule(JSON.stringify([entry]), 'json')).toEqual({ imported: 1, agents: 1, rejected: [] });
    const second = await schedules.importSchedule(
      JSON.stringify({
        activities: [
          { ...entry, agent: 'ann.lee@contoso.example' },
          { ...entry, end: 'later' },
        ],
      }),
      'json',
    );
    expect(second).toEqual({ imported: 1, agents: 1, rejected: [{ line: 2, reason: 'end: not an ISO-8601 time with an offset, such as 2026-12-07T17:00:00+01:00 ("later")' }] });
    expect(await stored()).toEqual(['aad-ann Phone 2026-12-07T09:00:00.000Z 2026-12-07T17:00:00.000Z', 'aad-bo Phone 2026-12-07T09:00:00.000Z 2026-12-07T17:00:00.000Z']);
  });

  it('replaces, per agent, what overlaps the span the new lines cover, and nothing else', async () => {
    await schedules.importSchedule(
      csv(
        'aad-ann,Phone,2026-12-07T08:00:00Z,2026-12-07T10:00:00Z',
        'aad-ann,Phone,2026-12-07T10:00:00Z,2026-12-07T17:00:00Z',
        'aad-ann,Phone,2026-12-08T09:00:00Z,2026-12-08T17:00:00Z',
        'aad-bo,Phone,2026-12-07T09:00:00Z,2026-12-07T17:00:00Z',
      ),
      'csv',
    );
    const republished = await schedules.importSchedule(
      csv('aad-ann,Phone,2026-12-07T09:00:00Z,2026-12-07T12:00:00Z', 'aad-ann,Lunch,2026-12-07T12:00:00Z,2026-12-07T13:00:00Z', 'aad-bo,Phone,not-a-time,2026-12-07T13:00:00Z'),
      'csv',
    );
    expect(republished).toMatchObject({ imported: 2, agents: 1 });
    expect(await stored()).toEqual([
      'aad-ann Phone 2026-12-07T09:00:00.000Z 2026-12-07T12:00:00.000Z',
      'aad-ann Lunch 2026-12-07T12:00:00.000Z 2026-12-07T13:00:00.000Z',
      'aad-ann Phone 2026-12-08T09:00:00.000Z 2026-12-08T17:00:00.000Z',
      'aad-bo Phone 2026-12-07T09:00:00.000Z 2026-12-07T17:00:00.000Z',
    ]);
    expect(await schedules.scheduleBetween(new Date('2026-12-07T12:30:00Z'), new Date('2026-12-08T09:00:00Z'))).toEqual([
      { agentId: 'aad-ann', activity: 'Lunch', start: '2026-12-07T12:00:00.000Z', end: '2026-12-07T13:00:00.000Z' },
      { agentId: 'aad-bo', activity: 'Phone', start: '2026-12-07T09:00:00.000Z', end: '2026-12-07T17:00:00.000Z' },
    ]);
  });

  it('changes nothing when the text cannot be read at all', async () => {
    await schedules.importSchedule(csv('aad-bo,Phone,2026-12-07T09:00:00Z,2026-12-07T17:00:00Z'), 'csv');
    await expect(schedules.importSchedule('agent;activity;start;end', 'csv')).rejects.toBeInstanceOf(AppError);
    await expect(schedules.importSchedule(`${CSV_HEADER}\n${'x'.repeat(2 * 1024 * 1024)}`, 'csv')).rejects.toThrow('schedule: over 2 MB');
    expect(await stored()).toEqual(['aad-bo Phone 2026-12-07T09:00:00.000Z 2026-12-07T17:00:00.000Z']);
  });

  it('publishes a large file in one go', async () => {
    const rows = Array.from({ length: 2_000 }, (_, day) => {
      const date = new Date(Date.UTC(2026, 0, 1) + day * 3_600_000 * 4).toISOString().slice(0, 19);
      const end = new Date(Date.UTC(2026, 0, 1) + (day * 4 + 1) * 3_600_000).toISOString().slice(0, 19);
      return `aad-bo,Phone,${date}Z,${end}Z`;
    });
    expect(await schedules.importSchedule(csv(...rows), 'csv')).toEqual({ imported: 2_000, agents: 1, rejected: [] });
    const { n } = await store.db
      .selectFrom('wfm_schedules')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(2_000);
    expect((await schedules.scheduleBetween(new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'))).length).toBe(2_000);
  });
});
