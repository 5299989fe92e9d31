import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { invalidInput } from '../../src/domain/errors.js';
import { SQLITE_STORE, type TestStore } from '../support/stores.js';
import { startWfmApi, wfmGet, type WfmApiServer } from './wfmApiServer.js';

const BILLING = { skill: 'Billing', channel: 'voice' as const, offered: 2, handled: 1, abandoned: 1, averageSpeedOfAnswerSeconds: 12, averageHandleTimeSeconds: 300, serviceLevelPercent: 50 };
const ANN = {
  agentId: 'aad-ann',
  agentName: 'Ann Lee',
  states: [
    { state: 'Available' as const, reasonCode: null, seconds: 600 },
    { state: 'Unavailable' as const, reasonCode: 'Break', seconds: 300 },
  ],
  contactsHandled: 0,
  handleTimeSeconds: 0,
};

/** The routes on the app's HTTP server with fakes of the reports (wfmApiServer.ts); the keys are real. */
describe('the WFM API', () => {
  let store: TestStore;
  let api: WfmApiServer;
  let key: string;
  const get = (path: string, headers: Record<string, string> = {}, bearer: string | null = key) => wfmGet(`${api.url}${path}`, bearer, headers);

  beforeAll(async () => {
    store = await SQLITE_STORE.open();
    api = await startWfmApi(store);
    key = (await api.keys.issue('wfm-tests')).key;
    api.skillRows.set('2026-11-30T07:15:00.000Z', [BILLING]);
    api.agentRows.set('2026-11-30T07:00:00.000Z', [ANN]);
  });
  afterAll(async () => {
    await api.close();
    await store.dispose();
  });
  beforeEach(() => {
    api.calls.length = 0;
    api.imports.length = 0;
  });

  describe('asks for a key', () => {
    it('answers a request without one 401 with a Bearer challenge, before reading anything', async () => {
      const answer = await get('/api/wfm/intervals?from=nonsense', {}, null);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="wfm"');
      expect(answer.body.error).toMatch(/^unauthorized: send a valid API key/);
      expect(api.calls).toEqual([]);
    });

    it('answers an unknown key and a revoked one alike', async () => {
      const revoked = (await api.keys.issue('old-wfm')).key;
      expect((await get('/api/wfm/agent-activity?from=2026-11-30&to=2026-11-30', {}, revoked)).status).toBe(200);
      await api.keys.revoke('old-wfm');
      api.calls.length = 0;
      const unknown = `wfm_0123456789ab_${'A'.repeat(43)}`;
      const answers = await Promise.all([revoked, unknown, 'garbage', key.toUpperCase()].map((k) => get('/api/wfm/agent-activity?from=2026-11-30&to=2026-11-30', {}, k)));
      for (const answer of answers) {
        expect(answer.status).toBe(401);
        expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="wfm", error="invalid_token"');
        expect(answer.body).toEqual(answers[0]!.body);
      }
      expect(api.calls).toHaveLength(0);
    });

    it('takes no other scheme, and no key in the query', async () => {
      expect((await get('/api/wfm/intervals?from=2026-11-30&to=2026-11-30', { authorization: `Basic ${Buffer.from(`x:${key}`).toString('base64')}` }, null)).status).toBe(401);
      expect((await get(`/api/wfm/intervals?from=2026-11-30&to=2026-11-30&access_token=${key}`, {}, null)).status).toBe(401);
    });
  });

  describe('intervals', () => {
    it('answers JSON with every interval of the span, empty ones as empty arrays', async () => {
      const answer = await get('/api/wfm/intervals?from=2026-11-30T08:00:00%2B01:00&to=2026-11-30T07:45:00Z');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.body).toEqual({
        from: '2026-11-30T07:00:00.000Z',
        to: '2026-11-30T07:45:00.000Z',
        siteTimeZone: 'Europe/Paris',
        intervalMinutes: 15,
        serviceLevelSeconds: 20,
        skill: null,
        intervals: [
          { start: '2026-11-30T07:00:00.000Z', end: '2026-11-30T07:15:00.000Z', localStart: '2026-11-30T07:00:00+00:00', skills: [] },
          { start: '2026-11-30T07:15:00.000Z', end: '2026-11-30T07:30:00.000Z', localStart: '2026-11-30T07:15:00+00:00', skills: [BILLING] },
          { start: '2026-11-30T07:30:00.000Z', end: '2026-11-30T07:45:00.000Z', localStart: '2026-11-30T07:30:00+00:00', skills: [] },
        ],
      });
      expect(api.calls).toEqual([{ report: 'skills', from: '2026-11-30T07:00:00.000Z', to: '2026-11-30T07:45:00.000Z' }]);
    });

    it('reads dates as site-local days, to included, and passes the skill on', async () => {
      const answer = await get('/api/wfm/intervals?from=2026-11-30&to=2026-12-01&skill=Billing');
      expect(answer.status).toBe(200);
      expect(answer.body.skill).toBe('Billing');
      expect(answer.body.intervals).toHaveLength(2 * 96);
      expect(api.calls).toEqual([{ report: 'skills', from: '2026-11-29T23:00:00.000Z', to: '2026-12-01T23:00:00.000Z', skill: 'Billing' }]);
    });

    it('answers CSV for format=csv, as an attachment with a file name', async () => {
      const answer = await get('/api/wfm/intervals?from=2026-11-30T07:00:00Z&to=2026-11-30T07:30:00Z&format=csv');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
      expect(answer.headers.get('content-disposition')).toBe('attachment; filename="wfm-intervals-20261130T0700Z-20261130T0730Z.csv"');
      expect(answer.text).toBe(
        'interval_start,interval_end,local_start,skill,channel,offered,handled,abandoned,average_speed_of_answer_seconds,average_handle_time_seconds,service_level_percent\r\n' +
          '2026-11-30T07:00:00.000Z,2026-11-30T07:15:00.000Z,2026-11-30T07:00:00+00:00,,,0,0,0,,,\r\n' +
          '2026-11-30T07:15:00.000Z,2026-11-30T07:30:00.000Z,2026-11-30T07:15:00+00:00,Billing,voice,2,1,1,12,300,50\r\n',
      );
    });

    it('answers CSV for Accept: text/csv, and JSON when format=json says so', async () => {
      const csv = await get('/api/wfm/intervals?from=2026-11-30T07:00:00Z&to=2026-11-30T07:15:00Z', { accept: 'text/csv' });
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.text.split('\r\n')).toHaveLength(3);
      const json = await get('/api/wfm/intervals?from=2026-11-30T07:00:00Z&to=2026-11-30T07:15:00Z&format=json', { accept: 'text/csv' });
      expect(json.headers.get('content-type')).toMatch(/^application\/json/);
      expect(json.body.intervals).toHaveLength(1);
    });

    it.each([
      ['no from', '?to=2026-11-30', /^from: required/],
      ['no to', '?from=2026-11-30', /^to: required/],
      ['from off a boundary', '?from=2026-11-30T07:10:00Z&to=2026-11-30T08:00:00Z', /^from: must be on a 15-minute interval boundary/],
      ['to without an offset', '?from=2026-11-30T07:00:00Z&to=2026-11-30T08:00:00', /^to: must be an ISO 8601 instant with its offset/],
      ['to before from', '?from=2026-11-30&to=2026-11-29', /^to: must be after from/],
      ['over 31 days', '?from=2026-10-01&to=2026-11-30', /^to: the range is at most 31 days/],
      ['an empty skill', '?from=2026-11-30&to=2026-11-30&skill=', /^skill: must be 1 to 30 characters/],
      ['a skill over 30 characters', `?from=2026-11-30&to=2026-11-30&skill=${'s'.repeat(31)}`, /^skill: must be 1 to 30 characters/],
      ['a format we do not write', '?from=2026-11-30&to=2026-11-30&format=xlsx', /^format: must be json or csv$/],
      ['an unknown parameter', '?from=2026-11-30&to=2026-11-30&form=csv', /^form: unknown parameter \(this address takes from, to, skill, format\)$/],
      ['a parameter twice', '?from=2026-11-30&to=2026-11-30&from=2026-11-29', /^from: given more than once$/],
      ['a huge query', `?from=2026-11-30&to=2026-11-30&skill=${'x'.repeat(2000)}`, /^query: at most 1024 characters$/],
    ])('refuses %s with 400 naming the field', async (_what, query, problem) => {
      const answer = await get(`/api/wfm/intervals${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatch(problem);
      expect(answer.text.length).toBeLessThan(300);
      expect(api.calls).toEqual([]);
    });

    it('answers a refusal of the reports 400 with its message, and a failure 500 without its details', async () => {
      api.failNext.error = invalidInput('to: the reports go back 13 months at most');
      const refused = await get('/api/wfm/intervals?from=2026-11-30&to=2026-11-30');
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ error: 'to: the reports go back 13 months at most' });
      api.failNext.error = new Error('relation "wfm_rollups" does not exist at /srv/app');
      const failed = await get('/api/wfm/intervals?from=2026-11-30&to=2026-11-30');
      expect(failed.status).toBe(500);
      expect(failed.text).not.toContain('wfm_rollups');
    });
  });

  describe('agent activity', () => {
    it('answers JSON with agents per interval, empty ones as empty arrays', async () => {
      const answer = await get('/api/wfm/agent-activity?from=2026-11-30T07:00:00Z&to=2026-11-30T07:30:00Z');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        from: '2026-11-30T07:00:00.000Z',
        to: '2026-11-30T07:30:00.000Z',
        siteTimeZone: 'Europe/Paris',
        intervalMinutes: 15,
        serviceLevelSeconds: 20,
        intervals: [
          { start: '2026-11-30T07:00:00.000Z', end: '2026-11-30T07:15:00.000Z', localStart: '2026-11-30T07:00:00+00:00', agents: [ANN] },
          { start: '2026-11-30T07:15:00.000Z', end: '2026-11-30T07:30:00.000Z', localStart: '2026-11-30T07:15:00+00:00', agents: [] },
        ],
      });
    });

    it('answers CSV, one line per interval and agent, an empty interval still one line', async () => {
      const answer = await get('/api/wfm/agent-activity?from=2026-11-30T07:00:00Z&to=2026-11-30T07:30:00Z', { accept: 'text/csv' });
      expect(answer.headers.get('content-disposition')).toBe('attachment; filename="wfm-agent-activity-20261130T0700Z-20261130T0730Z.csv"');
      expect(answer.text.split('\r\n').slice(1)).toEqual([
        '2026-11-30T07:00:00.000Z,2026-11-30T07:15:00.000Z,2026-11-30T07:00:00+00:00,aad-ann,Ann Lee,600,0,0,300,Break:300,0,0',
        '2026-11-30T07:15:00.000Z,2026-11-30T07:30:00.000Z,2026-11-30T07:15:00+00:00,,,0,0,0,0,,0,0',
        '',
      ]);
    });

    it('takes no skill', async () => {
      const answer = await get('/api/wfm/agent-activity?from=2026-11-30&to=2026-11-30&skill=Billing');
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('skill: unknown parameter (this address takes from, to, format)');
    });
  });

  describe('publishing schedules', () => {
    const put = (body: string | undefined, contentType: string | undefined, bearer: string | null = key) =>
      fetch(`${api.url}/api/wfm/schedules`, {
        method: 'PUT',
        headers: { ...(contentType ? { 'content-type': contentType } : {}), ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        body,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const CSV = 'agent,activity,start,end\r\nann@example.com,Open,2026-12-01T08:00:00+01:00,2026-12-01T12:00:00+01:00\r\n';

    it('hands CSV to the importer and answers its result', async () => {
      api.importResult.value = { imported: 1, agents: 1, rejected: [{ line: 3, reason: 'end: must be after start' }] };
      const answer = await put(CSV, 'text/csv; charset=utf-8');
      expect(answer).toEqual({ status: 200, body: { imported: 1, agents: 1, rejected: [{ line: 3, reason: 'end: must be after start' }] } });
      expect(api.imports).toEqual([{ text: CSV, format: 'csv' }]);
    });

    it('hands JSON to the importer as the text it was sent', async () => {
      api.importResult.value = { imported: 2, agents: 1, rejected: [] };
      const json = JSON.stringify({ activities: [{ agent: 'ann@example.com', activity: 'Open', start: '2026-12-01T07:00:00Z', end: '2026-12-01T08:00:00Z' }] });
      expect((await put(json, 'application/json')).status).toBe(200);
      expect(api.imports).toEqual([{ text: json, format: 'json' }]);
    });

    it('answers 400 when no line was valid, with the refused lines', async () => {
      api.importResult.value = { imported: 0, agents: 0, rejected: [{ line: 2, reason: 'agent: not known here' }] };
      const answer = await put(CSV, 'text/csv');
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: 'body: no valid schedule line (see rejected)', imported: 0, agents: 0, rejected: [{ line: 2, reason: 'agent: not known here' }] });
    });

    it('refuses an empty body 400, another format 415, too large 413, no key 401: the importer never sees them', async () => {
      expect((await put(undefined, undefined)).body.error).toMatch(/^body: required/);
      expect((await put('   \r\n', 'text/csv')).status).toBe(400);
      expect((await put('<schedule/>', 'application/xml')).status).toBe(415);
      expect((await put('a'.repeat(1024 * 1024 + 1), 'text/csv')).status).toBe(413);
      expect((await put(CSV, 'text/csv', null)).status).toBe(401);
      expect(api.imports).toEqual([]);
    });
  });
});
