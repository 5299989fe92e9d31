import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { DayReport } from '../../src/domain/wfm.js';
import { parseReportArgument } from '../../src/wfm/reportCommand.js';
import { dayReportCsv, dayReportFileName } from '../../src/wfm/reportCsv.js';
import { createReportFeature } from '../../src/wfm/reportFeature.js';
import { REPORT_LINK_TTL_MS, ReportLinks, reportLinkSecret } from '../../src/wfm/reportLinks.js';
import { wfmConfigFrom } from '../../src/wfm/wfmConfig.js';

const SECRET = 'a-secret-shared-by-every-instance-0123456789';
const made = new Date('2026-12-07T10:00:00.000Z');

function linksAt(now: Date, secret = SECRET): ReportLinks {
  return new ReportLinks({ secret, clock: () => now, baseUrl: () => 'https://cc.example/' });
}

/** The link's parts as the route reads them. */
function partsOf(link: string) {
  const url = new URL(link);
  return { path: url.pathname, date: url.searchParams.get('date')!, skill: url.searchParams.get('skill'), expires: Number(url.searchParams.get('expires')), sig: url.searchParams.get('sig')! };
}

describe('report links', () => {
  it('name the date and skill, expire in 24 hours, and verify as made', () => {
    const link = linksAt(made).link({ date: '2026-12-07', skill: 'Billing & Co' });
    const p = partsOf(link);
    expect(link.startsWith('https://cc.example/api/wfm/report.csv?date=2026-12-07&skill=Billing+%26+Co&expires=')).toBe(true);
    expect(p.expires * 1000).toBe(made.getTime() + REPORT_LINK_TTL_MS);
    expect(p.sig).toMatch(/^[0-9a-f]{64}$/);
    // Another instance with the same secret, an hour later: valid.
    expect(linksAt(new Date(made.getTime() + 3_600_000)).verify({ date: p.date, skill: p.skill }, p.expires, p.sig)).toEqual({ ok: true });
  });

  it('refuse a changed date, skill or expiry, and another secret', () => {
    const p = partsOf(linksAt(made).link({ date: '2026-12-07', skill: null }));
    const check = linksAt(made);
    expect(check.verify({ date: '2026-12-07', skill: null }, p.expires, p.sig)).toEqual({ ok: true });
    expect(check.verify({ date: '2026-12-06', skill: null }, p.expires, p.sig)).toMatchObject({ ok: false, problem: expect.stringMatching(/not valid/) });
    expect(check.verify({ date: '2026-12-07', skill: 'Billing' }, p.expires, p.sig).ok).toBe(false);
    expect(check.verify({ date: '2026-12-07', skill: null }, p.expires + 1, p.sig).ok).toBe(false);
    expect(check.verify({ date: '2026-12-07', skill: null }, p.expires, p.sig.slice(0, 62)).ok).toBe(false);
    expect(linksAt(made, 'another-secret-of-another-instance-012345').verify({ date: '2026-12-07', skill: null }, p.expires, p.sig).ok).toBe(false);
  });

  it('refuse a link once it has expired, saying so', () => {
    const p = partsOf(linksAt(made).link({ date: '2026-12-07', skill: null }));
    const justBefore = new Date(made.getTime() + REPORT_LINK_TTL_MS - 1000);
    expect(linksAt(justBefore).verify({ date: '2026-12-07', skill: null }, p.expires, p.sig)).toEqual({ ok: true });
    expect(linksAt(new Date(made.getTime() + REPORT_LINK_TTL_MS)).verify({ date: '2026-12-07', skill: null }, p.expires, p.sig)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^this report link has expired/),
    });
  });

  it('are signed with WFM_LINK_SECRET, else a secret of the process with a warning', () => {
    expect(reportLinkSecret(wfmConfigFrom({ WFM_LINK_SECRET: SECRET }))).toEqual({ secret: SECRET });
    const own = reportLinkSecret(wfmConfigFrom({}));
    expect(own.secret).toHaveLength(43);
    expect(own.secret).not.toBe(reportLinkSecret(wfmConfigFrom({})).secret);
    expect(own.warning).toMatch(/^WFM_LINK_SECRET is not set: .* open only on this instance/);
    expect(() => wfmConfigFrom({ WFM_LINK_SECRET: 'short' })).toThrow(/WFM_LINK_SECRET: must be at least 32 characters/);
  });
});

describe('the report command argument', () => {
  const today = '2026-03-01';
  it('reads today, yesterday and dates in the site calendar, with an optional skill', () => {
    expect(parseReportArgument('', today)).toEqual({ date: today, skill: null });
    expect(parseReportArgument('TODAY', today)).toEqual({ date: today, skill: null });
    expect(parseReportArgument('yesterday', today)).toEqual({ date: '2026-02-28', skill: null });
    expect(parseReportArgument('2026-12-07  Billing   Support ', today)).toEqual({ date: '2026-12-07', skill: 'Billing Support' });
  });

  it('takes nothing else', () => {
    for (const bad of ['tomorrow', '2026-02-30', '7/12/2026', `today ${'x'.repeat(101)}`, 'today a\u0007b']) expect(parseReportArgument(bad, today)).toBeNull();
  });
});

describe('the report CSV', () => {
  const report: DayReport = {
    date: '2026-12-07',
    siteTimeZone: 'Europe/Paris',
    skill: '=HYPERLINK("x"),y',
    intervals: [
      {
        start: '2026-12-06T23:00:00.000Z',
        localStart: '2026-12-07T00:00:00+01:00',
        offered: 0,
        handled: 0,
        abandoned: 0,
        averageSpeedOfAnswerSeconds: null,
        averageHandleTimeSeconds: null,
        serviceLevelPercent: null,
        adherencePercent: null,
      },
      {
        start: '2026-12-06T23:15:00.000Z',
        localStart: '2026-12-07T00:15:00+01:00',
        offered: 3,
        handled: 2,
        abandoned: 1,
        averageSpeedOfAnswerSeconds: 4.5,
        averageHandleTimeSeconds: 120,
        serviceLevelPercent: 66.7,
        adherencePercent: 100,
      },
    ],
    totals: { offered: 3, handled: 2, abandoned: 1, averageSpeedOfAnswerSeconds: 4.5, averageHandleTimeSeconds: 120, serviceLevelPercent: 66.7, adherencePercent: 90 },
    worstAdherence: null,
  };

  it('is RFC 4180: a header, a line per interval (empty ones too), the total, CRLF, quoted where needed, no formula', () => {
    expect(dayReportCsv(report)).toBe(
      [
        'interval_start_utc,interval_start_local,skill,offered,handled,abandoned,average_speed_of_answer_seconds,average_handle_time_seconds,service_level_percent,adherence_percent',
        `2026-12-06T23:00:00.000Z,2026-12-07T00:00:00+01:00,"'=HYPERLINK(""x""),y",0,0,0,,,,`,
        `2026-12-06T23:15:00.000Z,2026-12-07T00:15:00+01:00,"'=HYPERLINK(""x""),y",3,2,1,4.5,120,66.7,100`,
        `total,2026-12-07,"'=HYPERLINK(""x""),y",3,2,1,4.5,120,66.7,90`,
        '',
      ].join('\r\n'),
    );
  });

  it('names its file after the date and a tame form of the skill', () => {
    expect(dayReportFileName({ date: '2026-12-07', skill: null })).toBe('report-2026-12-07.csv');
    expect(dayReportFileName({ date: '2026-12-07', skill: 'Billing "VIP"/..\\x' })).toBe('report-2026-12-07-Billing_VIP_x.csv');
  });
});

describe('the report feature at start', () => {
  const ports = {
    intervals: { skillIntervals: async () => [], agentActivity: async () => [] },
    adherence: { agentAdherence: async () => [], intervalAdherence: async () => [] },
  };
  function started(env: Record<string, string>, localAddressInTeams: boolean): string[] {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(String((JSON.parse(chunk.toString()) as { msg: string }).msg));
          done();
        },
      }),
    );
    createReportFeature({ ...ports, config: wfmConfigFrom(env), clock: () => made, logger, baseUrl: () => 'http://localhost:3978', localAddressInTeams });
    return lines;
  }

  it('warns when links are signed with a secret of this process, or would name a local address in Teams', () => {
    expect(started({}, false)).toEqual([expect.stringMatching(/^WFM_LINK_SECRET is not set/)]);
    expect(started({ WFM_LINK_SECRET: SECRET }, true)).toEqual([expect.stringMatching(/^PUBLIC_BASE_URL is not set/)]);
    expect(started({ WFM_LINK_SECRET: SECRET }, false)).toEqual([]);
  });
});
