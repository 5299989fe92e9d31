import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatWhen } from '../../src/domain/timeZone.js';
import type { AgentAdherence, Interval, SkillIntervalRow } from '../../src/domain/wfm.js';
import type { AdherenceReports, IntervalReports } from '../../src/wfm/ports.js';
import { ReportLinks } from '../../src/wfm/reportLinks.js';
import { addDays, siteDateOf, siteDayRange } from '../../src/wfm/siteDay.js';
import { cardProblems } from '../support/adaptiveCards.js';
import { cardText, startBot, type BotHarness } from '../support/botHarness.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const ZONE = 'Europe/Paris';
const SECRET = 'report-links-secret-of-the-test-0123456789';
const QUARTER = 15 * 60_000;

/** Fakes of the interval and adherence reports: 9 contacts in the day's 41st interval (10:00 local), one agent at 80 %; they record what was asked. */
function fakePorts() {
  const asked: Array<{ from: string; skill?: string }> = [];
  const intervals: IntervalReports = {
    async skillIntervals(from, to, skill) {
      asked.push({ from: from.toISOString(), skill });
      const list: Interval<SkillIntervalRow>[] = [];
      for (let t = from.getTime(), n = 0; t < to.getTime(); t += QUARTER, n++) {
        const rows: SkillIntervalRow[] =
          n === 40
            ? [{ skill: skill ?? 'Billing', channel: 'voice', offered: 9, handled: 8, abandoned: 1, averageSpeedOfAnswerSeconds: 12, averageHandleTimeSeconds: 200, serviceLevelPercent: 77.8 }]
            : [];
        list.push({ start: new Date(t).toISOString(), end: new Date(t + QUARTER).toISOString(), localStart: `local-${n}`, rows });
      }
      return list;
    },
    agentActivity: async () => [],
  };
  const ann: AgentAdherence = { agentId: 'a1', agentName: 'Ann Lee', scheduledSeconds: 3600, inAdherenceSeconds: 2880, outOfAdherenceMinutes: 12, adherencePercent: 80 };
  const adherence: AdherenceReports = { agentAdherence: async () => [ann], intervalAdherence: async () => [] };
  return { intervals, adherence, asked };
}

describe.each(STORE_BACKENDS)('the report command and its CSV ($name)', (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let ports: ReturnType<typeof fakePorts>;

  beforeAll(async () => {
    store = await backend.open();
    ports = fakePorts();
    bot = await startBot(store, { WFM_SITE_TIME_ZONE: ZONE, WFM_LINK_SECRET: SECRET }, undefined, { wfmPorts: { intervals: ports.intervals, adherence: ports.adherence } });
  });
  afterAll(async () => {
    await bot?.stop();
    await store?.dispose();
  });

  const supervisor = () => bot.user('boss', 'Sam Supervisor', 'aad-supervisor');
  const csvLinkOf = (card: any): string => card.actions.find((a: any) => a.title === 'Open CSV').url;

  it("answers a supervisor's `report today` with the day's card, and its CSV downloads", async () => {
    const today = siteDateOf(new Date(), ZONE);
    const card = await supervisor().sayCard('report today');
    expect(cardProblems(card)).toEqual(['Unknown element type "Chart.VerticalBar". Fallback will be used if present.']);
    const words = cardText(card);
    expect(words).toContain(`Day report: ${formatWhen(today, null)} (${ZONE})`);
    expect(words).toContain('Offered: 9');
    expect(words).toContain('Lowest adherence: **Ann Lee**, 80 % (12 min out of adherence).');
    expect(card.body.some((e: any) => e.type === 'Chart.VerticalBar' && e.fallback?.type === 'Image')).toBe(true);

    const link = csvLinkOf(card);
    expect(link.startsWith(`http://localhost:${bot.product.port}/api/wfm/report.csv?date=${today}&expires=`)).toBe(true);
    const response = await fetch(link);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="report-${today}.csv"`);
    const lines = (await response.text()).split('\r\n');
    expect(lines[0]).toBe(
      'interval_start_utc,interval_start_local,skill,offered,handled,abandoned,average_speed_of_answer_seconds,average_handle_time_seconds,service_level_percent,adherence_percent',
    );
    const { start, end } = siteDayRange(today, ZONE);
    expect(lines).toHaveLength(1 + (end.getTime() - start.getTime()) / QUARTER + 1 + 1); // header, intervals, total, and the nothing after the last CRLF
    expect(lines.filter((l) => l.includes(',9,8,1,12,200,77.8,'))).toHaveLength(2); // the busy interval, and the total
    expect(lines.at(-2)).toBe(`total,${today},all,9,8,1,12,200,77.8,80`);
  });

  it('reads yesterday and a skill in the site zone, and names the skill in the file', async () => {
    ports.asked.length = 0;
    const yesterday = addDays(siteDateOf(new Date(), ZONE), -1);
    const card = await supervisor().sayCard('report yesterday Billing Support');
    expect(cardText(card)).toContain('Skill: **Billing Support**');
    expect(ports.asked).toEqual([{ from: siteDayRange(yesterday, ZONE).start.toISOString(), skill: 'Billing Support' }]);
    const response = await fetch(csvLinkOf(card));
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="report-${yesterday}-Billing_Support.csv"`);
  });

  it('answers a day it cannot read with examples', async () => {
    const reply = await supervisor().sayText('report 2026-02-30');
    expect(reply).toMatch(/^I did not understand that day\. .*\*\*report today\*\*.*\*\*report 2026-12-07\*\*/);
    expect(await supervisor().sayText('report last week')).toMatch(/^I did not understand that day/);
  });

  it('tells anyone but a supervisor no, as `status` does, and reads nothing', async () => {
    ports.asked.length = 0;
    const agent = bot.user('agent-1', 'Ada Agent');
    const refusal = await agent.sayText('report today');
    expect(refusal).toBe(await agent.sayText('status'));
    expect(refusal).toMatch(/for supervisors/);
    expect(ports.asked).toEqual([]);
  });

  it('refuses a changed, foreign or expired link with 403 before reading anything, and a malformed one with 400 naming the field', async () => {
    const link = new URL(csvLinkOf(await supervisor().sayCard('report today')));
    ports.asked.length = 0;
    const answer = async (change: (url: URL) => void) => {
      const url = new URL(link);
      change(url);
      const response = await fetch(url);
      return { status: response.status, error: ((await response.json()) as { error: string }).error };
    };

    const otherDay = await answer((u) => u.searchParams.set('date', '2026-01-01'));
    expect(otherDay).toEqual({ status: 403, error: expect.stringMatching(/^this report link is not valid/) });
    expect((await answer((u) => u.searchParams.set('skill', 'Sales'))).status).toBe(403);
    expect((await answer((u) => u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 3600)))).status).toBe(403);
    expect((await answer((u) => u.searchParams.set('sig', 'f'.repeat(64)))).status).toBe(403);

    const expired = new ReportLinks({ secret: SECRET, clock: () => new Date(Date.now() - 25 * 3_600_000), baseUrl: () => bot.url }).link({ date: '2026-01-01', skill: null });
    const late = await fetch(expired);
    expect(late.status).toBe(403);
    expect(((await late.json()) as { error: string }).error).toMatch(/^this report link has expired/);

    expect(await answer((u) => u.searchParams.delete('sig'))).toEqual({ status: 400, error: 'sig: required' });
    expect(await answer((u) => u.searchParams.set('date', '2026-13-01'))).toEqual({ status: 400, error: 'date: must be a calendar date YYYY-MM-DD' });
    expect(ports.asked).toEqual([]);
  });
});
