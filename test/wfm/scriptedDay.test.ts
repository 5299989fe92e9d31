import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { WfmApiKeys } from '../../src/wfm/apiKeys.js';
import { ACD_SECRET, postAcd } from '../acd/acdClient.js';
import { startBot, type BotHarness } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { wfmGet } from './wfmApiServer.js';
import { cardProblems } from '../support/adaptiveCards.js';
import { cardText } from '../support/botHarness.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const SCRIPT = fixture('scripted-day.json');
const EXPECTED = fixture('scripted-day.expected.json');

/**
 * The Must show of issue 15: a scripted day of agent states and calls, sent to the real product as signed
 * ACD events, then read back through /api/wfm as a WFM system would. The answers must equal, to the second,
 * the expectation computed by hand (fixtures/scripted-day.md), empty intervals included.
 */
describe.each(STORE_BACKENDS)('a scripted day read back from /api/wfm ($name)', (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let key: string;
  const get = (path: string, headers: Record<string, string> = {}) => wfmGet(`${bot.url}${path}`, key, headers);
  const query = (range: { from: string; to: string }) => `from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`;

  beforeAll(async () => {
    store = await backend.open();
    bot = await startBot(store, { ACD_EVENTS_SECRET: ACD_SECRET, ACD_SIMULATOR: 'off', WFM_SITE_TIME_ZONE: SCRIPT.siteTimeZone });
    // Known to the app before the day, with nothing on the state log: their day starts with their first event.
    for (const agent of SCRIPT.agents) {
      await store.db
        .insertInto('agents')
        .values({
          id: agent.id,
          name: agent.name,
          email: agent.email,
          state: 'Unavailable',
          reason_code: null,
          state_since: '2026-11-29T00:00:00.000Z',
          current_interaction_id: null,
          teams_user_id: null,
        })
        .execute();
    }
    key = (await new WfmApiKeys({ unit: new UnitOfWork(store.db), clock: () => new Date() }).issue('scripted-day')).key;
  });
  afterAll(async () => {
    await bot?.stop();
    await store?.dispose();
  });

  it('takes every event of the script as the ACD sends it (a retry answered duplicate)', async () => {
    for (const request of SCRIPT.requests) {
      const answer = await postAcd(bot.url, request.events.length === 1 ? request.events[0] : { events: request.events });
      expect(answer.status, request.what).toBe(200);
      expect(
        answer.body.results.map((r: { outcome: string }) => r.outcome),
        request.what,
      ).toEqual(request.outcomes);
    }
  });

  it('answers the skill intervals as computed by hand, empty intervals included', async () => {
    const answer = await get(`/api/wfm/intervals?${query(EXPECTED.range)}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(EXPECTED.intervals);
  });

  it('answers the agent activity as computed by hand, to the second', async () => {
    const answer = await get(`/api/wfm/agent-activity?${query(EXPECTED.range)}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(EXPECTED.agentActivity);
  });

  it('gives the same as CSV, an empty interval one line of zeros', async () => {
    const answer = await get(`/api/wfm/intervals?${query(EXPECTED.range)}`, { accept: 'text/csv' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toBe('attachment; filename="wfm-intervals-20261130T0630Z-20261130T0815Z.csv"');
    expect(answer.text).toBe(EXPECTED.intervalsCsv.map((line: string) => `${line}\r\n`).join(''));
  });

  it("publishes a WFM system's schedule through the real importer: good lines kept, others refused by number", async () => {
    const csv = [
      'agent,activity,start,end',
      'ann.lee@contoso.example,Open,2026-12-01T08:00:00+01:00,2026-12-01T12:00:00+01:00',
      'nobody@contoso.example,Open,2026-12-01T08:00:00+01:00,2026-12-01T12:00:00+01:00',
      'aad-sd-ben,Lunch,2026-12-01T12:00:00+01:00,2026-12-01T11:00:00+01:00',
    ].join('\r\n');
    const response = await fetch(`${bot.url}/api/wfm/schedules`, { method: 'PUT', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' }, body: csv });
    const answer = (await response.json()) as any;
    expect(response.status).toBe(200);
    expect([answer.imported, answer.agents, answer.rejected.map((r: { line: number }) => r.line)]).toEqual([1, 1, [3, 4]]);
    const stored = await store.db.selectFrom('wfm_schedules').select(['agent_id', 'activity', 'start_at', 'end_at']).execute();
    expect(stored).toEqual([{ agent_id: 'aad-sd-ann', activity: 'Open', start_at: '2026-12-01T07:00:00.000Z', end_at: '2026-12-01T11:00:00.000Z' }]);
  });

  it('answers the whole site day asked as a date: 96 intervals, the script in the middle', async () => {
    const day = EXPECTED.wholeDay;
    const [skills, agents] = await Promise.all([get(`/api/wfm/intervals?${query(day.query)}`), get(`/api/wfm/agent-activity?${query(day.query)}`)]);
    for (const answer of [skills, agents]) {
      expect(answer.status).toBe(200);
      expect([answer.body.from, answer.body.to, answer.body.intervals.length]).toEqual([day.from, day.to, day.intervalCount]);
      expect(answer.body.intervals[0].localStart).toBe(day.firstLocalStart);
      expect(answer.body.intervals.at(-1).localStart).toBe(day.lastLocalStart);
    }
    const middle = { from: day.before.intervals, to: day.before.intervals + EXPECTED.intervals.intervals.length };
    expect(skills.body.intervals.slice(middle.from, middle.to)).toEqual(EXPECTED.intervals.intervals);
    expect(agents.body.intervals.slice(middle.from, middle.to)).toEqual(EXPECTED.agentActivity.intervals);
    const before = { skills: skills.body.intervals.slice(0, middle.from), agents: agents.body.intervals.slice(0, middle.from) };
    const after = { skills: skills.body.intervals.slice(middle.to), agents: agents.body.intervals.slice(middle.to) };
    expect([before.skills.length, after.skills.length]).toEqual([day.before.intervals, day.after.intervals]);
    for (const interval of before.skills) expect(interval.skills).toEqual(day.before.skills);
    for (const interval of before.agents) expect(interval.agents).toEqual(day.before.agents);
    for (const interval of after.skills) expect(interval.skills).toEqual(day.after.skills);
    for (const interval of after.agents) expect(interval.agents, interval.start).toEqual(day.after.agents);
  });

  it("gives a supervisor's `report <date>` card of the same day: it renders within 28 KB, its totals are the hand-computed ones, its CSV downloads", async () => {
    const rows = EXPECTED.intervals.intervals.flatMap((interval: any) => interval.skills);
    const total = (field: string) => rows.reduce((sum: number, row: any) => sum + row[field], 0);
    const [offered, handled, abandoned] = [total('offered'), total('handled'), total('abandoned')];
    expect(offered).toBeGreaterThan(0);

    const card = await bot.user('boss', 'Sam Supervisor', 'aad-supervisor').sayCard(`report ${SCRIPT.date}`);
    expect(cardProblems(card)).toEqual(['Unknown element type "Chart.VerticalBar". Fallback will be used if present.']);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(28 * 1024);
    const words = cardText(card);
    expect(words).toContain(`Offered: ${offered}`);
    expect(words).toContain(`Handled: ${handled}`);
    expect(words).toContain(`Abandoned: ${abandoned}`);

    const link = card.actions.find((action: any) => action.title === 'Open CSV').url as string;
    const response = await fetch(link);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="report-${SCRIPT.date}.csv"`);
    const lines = (await response.text()).split('\r\n');
    expect(lines).toHaveLength(1 + EXPECTED.wholeDay.intervalCount + 1 + 1); // header, every interval, the total, nothing after the last CRLF
    expect(lines.at(-2)!.startsWith(`total,${SCRIPT.date},all,${offered},${handled},${abandoned},`)).toBe(true);
  });
});
