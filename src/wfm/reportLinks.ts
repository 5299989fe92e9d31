import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { WfmConfig } from './wfmConfig.js';

/** How long a report's CSV link opens: a day, so a card read the next morning still works. */
export const REPORT_LINK_TTL_MS = 24 * 3_600_000;
export const REPORT_CSV_PATH = '/api/wfm/report.csv';

/** What a link names: the site date and the skill (null for all). */
export interface ReportLinkTarget {
  date: string;
  skill: string | null;
}

export type LinkVerdict = { ok: true } | { ok: false; problem: string };

/**
 * The `report` card's "Open CSV" links: `/api/wfm/report.csv?date&skill&expires&sig`, where sig is the hex
 * HMAC-SHA256 of what the link names and until when, with a secret every instance shares (WFM_LINK_SECRET).
 * Whoever holds a link may open that one report until it expires, and nothing else: a browser opening it
 * carries no Teams identity, so the signature is the authorization, given only to supervisors.
 */
export class ReportLinks {
  constructor(
    private readonly deps: {
      secret: string;
      clock: () => Date;
      /** The app's address as a browser reaches it ("https://cc.example"), known once the server listens. */
      baseUrl: () => string;
    },
  ) {}

  link(target: ReportLinkTarget): string {
    const expires = Math.floor((this.deps.clock().getTime() + REPORT_LINK_TTL_MS) / 1000);
    const query = new URLSearchParams({ date: target.date, ...(target.skill ? { skill: target.skill } : {}), expires: String(expires), sig: this.sign(target, expires) });
    return `${this.deps.baseUrl().replace(/\/+$/, '')}${REPORT_CSV_PATH}?${query.toString()}`;
  }

  /** Whether the signature is this app's for exactly this date, skill and expiry, and the expiry has not passed. */
  verify(target: ReportLinkTarget, expires: number, sig: string): LinkVerdict {
    const expected = Buffer.from(this.sign(target, expires), 'hex');
    const given = Buffer.from(sig, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return {
        ok: false,
        problem: 'this report link is not valid: it was changed, or made with another secret (another instance without WFM_LINK_SECRET, or before it changed). Ask the bot for the report again.',
      };
    }
    if (expires * 1000 <= this.deps.clock().getTime()) return { ok: false, problem: 'this report link has expired (links work for 24 hours). Ask the bot for the report again.' };
    return { ok: true };
  }

  private sign(target: ReportLinkTarget, expires: number): string {
    // Fields joined by a newline, which none of them may hold: no two targets sign the same text.
    return createHmac('sha256', this.deps.secret)
      .update(`report.csv\n${target.date}\n${target.skill ?? ''}\n${expires}`)
      .digest('hex');
  }
}

/**
 * The secret links are signed with: WFM_LINK_SECRET, else one made for this process, with the warning to log
 * at start (a link then opens only on the instance that made it, and not after a restart).
 */
export function reportLinkSecret(config: Pick<WfmConfig, 'linkSecret'>): { secret: string; warning?: string } {
  if (config.linkSecret) return { secret: config.linkSecret };
  return {
    secret: randomBytes(32).toString('base64url'),
    warning:
      "WFM_LINK_SECRET is not set: the report card's CSV links are signed with a secret of this process, so they open only on this instance and only until it restarts. Set WFM_LINK_SECRET (the same on every instance).",
  };
}
