import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedOpenApi, type ServedOpenApi } from '../support/openApi.js';
import { SQLITE_STORE, type TestStore } from '../support/stores.js';
import { startWfmApi, wfmGet, type WfmApiServer } from './wfmApiServer.js';

const SKILL_ROWS = [
  { skill: 'Billing', channel: 'voice' as const, offered: 3, handled: 2, abandoned: 1, averageSpeedOfAnswerSeconds: 14.5, averageHandleTimeSeconds: 312, serviceLevelPercent: 66.7 },
  { skill: '', channel: 'chat' as const, offered: 1, handled: 0, abandoned: 0, averageSpeedOfAnswerSeconds: null, averageHandleTimeSeconds: null, serviceLevelPercent: 0 },
];
const AGENT_ROWS = [
  {
    agentId: 'aad-ann',
    agentName: 'Ann Lee',
    states: [
      { state: 'Working' as const, reasonCode: null, seconds: 480 },
      { state: 'Unavailable' as const, reasonCode: 'Lunch', seconds: 420 },
    ],
    contactsHandled: 1,
    handleTimeSeconds: 515,
  },
];

/** The document GET /api/wfm/openapi.json serves, held to what the routes answer with a real validator. */
describe('the WFM API and its OpenAPI document agree', () => {
  let store: TestStore;
  let api: WfmApiServer;
  let key: string;
  let served: ServedOpenApi;
  const get = (path: string, headers: Record<string, string> = {}, bearer: string | null = key) => wfmGet(`${api.url}${path}`, bearer, headers);
  const expectSchema = (name: string, body: unknown) => {
    const validate = served.schemaOf(name);
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  };

  beforeAll(async () => {
    store = await SQLITE_STORE.open();
    api = await startWfmApi(store);
    key = (await api.keys.issue('openapi')).key;
    api.skillRows.set('2026-11-30T08:00:00.000Z', SKILL_ROWS);
    api.agentRows.set('2026-11-30T08:00:00.000Z', AGENT_ROWS);
    served = await servedOpenApi(`${api.url}/api/wfm/openapi.json`);
  });
  afterAll(async () => {
    await api.close();
    await store.dispose();
  });

  it('serves a valid OpenAPI 3.1 document, without a key', async () => {
    await served.expectValidDocument();
    expect(Object.keys(served.document.paths)).toEqual(['/api/wfm/intervals', '/api/wfm/agent-activity', '/api/wfm/schedules']);
    expect(served.document.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('describes the intervals answer, empty intervals and rows with nulls alike', async () => {
    const answer = await get('/api/wfm/intervals?from=2026-11-30T07:45:00Z&to=2026-11-30T08:30:00Z');
    expect(answer.status).toBe(200);
    expect(answer.body.intervals.map((i: any) => i.skills.length)).toEqual([0, 2, 0]);
    expectSchema('SkillIntervalsReport', answer.body);
    expectSchema('SkillIntervalsReport', (await get('/api/wfm/intervals?from=2026-11-30&to=2026-11-30&skill=Billing')).body);
  });

  it('describes the agent activity answer', async () => {
    const answer = await get('/api/wfm/agent-activity?from=2026-11-30T07:45:00Z&to=2026-11-30T08:30:00Z');
    expect(answer.body.intervals.map((i: any) => i.agents.length)).toEqual([0, 1, 0]);
    expectSchema('AgentActivityReport', answer.body);
  });

  it('a report that breaks the document is caught: the schemas are strict', () => {
    const validate = served.schemaOf('SkillIntervalRow');
    expect(validate({ ...SKILL_ROWS[0], extra: 1 })).toBe(false);
    expect(validate({ ...SKILL_ROWS[0], channel: 'fax' })).toBe(false);
    expect(served.schemaOf('StateSeconds')({ state: 'Working', reasonCode: null, seconds: 901 })).toBe(false);
  });

  it('names the CSV columns the server writes', async () => {
    for (const [path, op] of [
      ['/api/wfm/intervals', 'intervals'],
      ['/api/wfm/agent-activity', 'agent-activity'],
    ] as const) {
      const answer = await get(`${path}?from=2026-11-30T08:00:00Z&to=2026-11-30T08:15:00Z&format=csv`);
      const header = answer.text.split('\r\n')[0]!;
      expect(served.document.paths[path].get.responses['200'].content['text/csv'].schema.description, op).toContain(`a header line: ${header}.`);
    }
  });

  it('takes every format the document names, and refuses another with 400 as an Error', async () => {
    const format = served.document.paths['/api/wfm/intervals'].get.parameters.find((p: any) => p.name === 'format');
    for (const value of format.schema.enum) expect((await get(`/api/wfm/intervals?from=2026-11-30&to=2026-11-30&format=${value}`)).status).toBe(200);
    const refused = await get('/api/wfm/intervals?from=2026-11-30&to=2026-11-30&format=xml');
    expect(refused.status).toBe(400);
    expectSchema('Error', refused.body);
  });

  it('documents the 401 as the server answers it', async () => {
    const refused = await get('/api/wfm/intervals?from=2026-11-30&to=2026-11-30', {}, null);
    expect(refused.status).toBe(401);
    expect(served.document.paths['/api/wfm/intervals'].get.responses['401']).toBeDefined();
    expectSchema('Error', refused.body);
  });

  it('describes the schedule answers, published and refused', async () => {
    const put = (body: string) =>
      fetch(`${api.url}/api/wfm/schedules`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as any,
      }));
    const body = JSON.stringify([{ agent: 'ann@example.com', activity: 'Open', start: '2026-12-01T08:00:00+01:00', end: '2026-12-01T12:00:00+01:00' }]);
    expectSchema('ScheduleRequest', JSON.parse(body));
    api.importResult.value = { imported: 1, agents: 1, rejected: [{ line: 2, reason: 'agent: not known here' }] };
    const published = await put(body);
    expect(published.status).toBe(200);
    expectSchema('ScheduleImportResult', published.body);
    api.importResult.value = { imported: 0, agents: 0, rejected: [{ line: 1, reason: 'agent: not known here' }] };
    const refused = await put(body);
    expect(refused.status).toBe(400);
    expectSchema('ScheduleRefused', refused.body);
  });
});
