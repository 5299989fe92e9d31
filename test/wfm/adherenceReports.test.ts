import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentStateName } from '../../src/domain/agentState.js';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { adherenceReports } from '../../src/wfm/adherenceReports.js';
import { scheduleImporter } from '../../src/wfm/scheduleImport.js';
import { wfmConfigFrom } from '../../src/wfm/wfmConfig.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const at = (time: string) => new Date(`2026-12-07T${time}.000Z`);

// Adherence over the store: the published schedule against the state log as recorded, late entries included.
describe.each(STORE_BACKENDS)('adherence reports ($name)', (backend) => {
  let store: TestStore;
  let unit: UnitOfWork;
  let now: Date;
  const { activityStates } = wfmConfigFrom({ WFM_ACTIVITY_STATES: '{"Phone": ["Available", "Working", "ACW"], "Lunch": ["Unavailable:Lunch"]}' });
  const reports = () => adherenceReports({ unit, activityStates, clock: () => now });
  const log = (agentId: string, time: string, state: AgentStateName, reasonCode: string | null = null) =>
    unit.repos.wfmLog.appendState({ agentId, state, reasonCode, startedAt: at(time).toISOString(), interactionId: null, source: 'acd' }, now.toISOString());

  beforeEach(async () => {
    store = await backend.open();
    unit = new UnitOfWork(store.db);
    now = at('18:00:00');
    await unit.repos.agents.upsert('ann', 'Ann Lee', now.toISOString());
    await unit.repos.agents.upsert('bo', 'Bo Chen', now.toISOString());
    await unit.repos.agents.upsert('cy', 'Cy Diaz', now.toISOString());
    await scheduleImporter({ unit, clock: () => now }).importSchedule(
      [
        'agent,activity,start,end',
        'ann,Phone,2026-12-07T09:00:00Z,2026-12-07T10:00:00Z',
        'bo,Phone,2026-12-07T09:00:00Z,2026-12-07T09:30:00Z',
        'bo,Training,2026-12-07T09:30:00Z,2026-12-07T10:00:00Z',
      ].join('\n'),
      'csv',
    );
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('gives each scheduled agent, worst first, and each interval, null where nobody was scheduled', async () => {
    await log('ann', '08:30:00', 'Available');
    await log('ann', '09:40:00', 'Unavailable', 'Break');
    await log('bo', '08:00:00', 'Working');
    await log('bo', '09:31:00', 'Unavailable', 'training');
    await log('cy', '08:00:00', 'Available');
    const from = at('08:45:00');
    const to = at('10:15:00');
    expect(await reports().agentAdherence(from, to)).toEqual([
      { agentId: 'ann', agentName: 'Ann Lee', scheduledSeconds: 3600, inAdherenceSeconds: 2400, outOfAdherenceMinutes: 20, adherencePercent: 66.7 },
      { agentId: 'bo', agentName: 'Bo Chen', scheduledSeconds: 3600, inAdherenceSeconds: 3540, outOfAdherenceMinutes: 1, adherencePercent: 98.3 },
    ]);
    expect(await reports().intervalAdherence(from, to)).toEqual([
      { start: '2026-12-07T08:45:00.000Z', adherencePercent: null },
      { start: '2026-12-07T09:00:00.000Z', adherencePercent: 100 },
      { start: '2026-12-07T09:15:00.000Z', adherencePercent: 100 },
      // ann out 09:40–09:45 (300 of 900), bo out 09:30–09:31 (60 of 900).
      { start: '2026-12-07T09:30:00.000Z', adherencePercent: Math.round((1 - 360 / 1800) * 1000) / 10 },
      { start: '2026-12-07T09:45:00.000Z', adherencePercent: 50 },
      { start: '2026-12-07T10:00:00.000Z', adherencePercent: null },
    ]);
  });

  it('takes a late entry where it belongs, and counts only what is past', async () => {
    await log('ann', '08:30:00', 'Available');
    await log('ann', '09:30:00', 'Available');
    // Recorded later, about earlier: a break 09:10–09:30.
    await log('ann', '09:10:00', 'Unavailable', 'Break');
    now = at('09:45:00');
    const figures = await reports().agentAdherence(at('09:00:00'), at('10:00:00'));
    // Bo has no state on record: out all along, so the worst.
    expect(figures.map((agent) => [agent.agentId, agent.scheduledSeconds, agent.inAdherenceSeconds, agent.outOfAdherenceMinutes])).toEqual([
      ['bo', 2700, 0, 45],
      ['ann', 2700, 1500, 20],
    ]);
  });

  it('answers empty when nothing is scheduled', async () => {
    expect(await reports().agentAdherence(at('12:00:00'), at('13:00:00'))).toEqual([]);
    expect(await reports().intervalAdherence(at('12:00:00'), at('12:30:00'))).toEqual([
      { start: '2026-12-07T12:00:00.000Z', adherencePercent: null },
      { start: '2026-12-07T12:15:00.000Z', adherencePercent: null },
    ]);
  });
});
