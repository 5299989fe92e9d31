import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_ACTIVITY_STATES, wfmConfigFrom } from '../../src/wfm/wfmConfig.js';

describe('the workforce settings', () => {
  it('has defaults a site can start on: UTC, 20 s service level, the default activities, ACW alerts after 5 minutes', () => {
    const config = wfmConfigFrom({});
    expect(config.siteTimeZone).toBe('UTC');
    expect(config.serviceLevelSeconds).toBe(20);
    expect(Object.fromEntries(config.activityStates)).toEqual(DEFAULT_ACTIVITY_STATES);
    expect([config.alertOutOfAdherenceMinutes, Object.fromEntries(config.alertStateMinutes), config.alertMaxPerHour]).toEqual([5, { ACW: 5 }, 30]);
  });

  it('reads each setting, the JSON ones included', () => {
    const config = wfmConfigFrom({
      WFM_SITE_TIME_ZONE: 'Europe/Paris',
      WFM_SERVICE_LEVEL_SECONDS: '30',
      WFM_ACTIVITY_STATES: '{"Open": ["Available", "Working"], "Coaching": ["Unavailable:Training"]}',
      WFM_ALERT_STATE_MINUTES: '{"ACW": 3, "Unavailable": 45}',
    });
    expect(config.siteTimeZone).toBe('Europe/Paris');
    expect(config.serviceLevelSeconds).toBe(30);
    expect(config.activityStates.get('Coaching')).toEqual(['Unavailable:Training']);
    expect(Object.fromEntries(config.alertStateMinutes)).toEqual({ ACW: 3, Unavailable: 45 });
  });

  it.each([
    [{ WFM_SITE_TIME_ZONE: 'Mars/Olympus' }, 'WFM_SITE_TIME_ZONE: must be an IANA time zone'],
    [{ WFM_SERVICE_LEVEL_SECONDS: '0' }, 'WFM_SERVICE_LEVEL_SECONDS: must be a whole number from 1 to 3600'],
    [{ WFM_ACTIVITY_STATES: '{"Open": ' }, 'WFM_ACTIVITY_STATES: must be JSON'],
    [{ WFM_ACTIVITY_STATES: '{"Open": ["Sleeping"]}' }, 'WFM_ACTIVITY_STATES'],
    [{ WFM_ALERT_STATE_MINUTES: '{"ACW": 0}' }, 'WFM_ALERT_STATE_MINUTES'],
  ])('stops the start on %j, naming the setting', (env, problem) => {
    expect(() => loadConfig({ ...env } as NodeJS.ProcessEnv)).toThrow(problem);
  });
});
