import { z } from 'zod';
import { describeIssues } from '../domain/errors.js';
import { validTimeZone } from '../domain/timeZone.js';
import { jsonValue, wholeNumber } from '../envFields.js';

/**
 * The workforce settings, from the environment:
 * - WFM_SITE_TIME_ZONE: the contact center's IANA time zone (default UTC): a report's day runs from its local
 *   midnight to the next, and intervals are labelled in it too;
 * - WFM_SERVICE_LEVEL_SECONDS: a contact answered within this many seconds of its offer meets the service level (default 20);
 * - WFM_ACTIVITY_STATES: JSON {"<schedule activity>": ["<state>" or "<state>:<reason code>", …]}: which states keep
 *   an agent in adherence to each activity; activities not named here need Unavailable with the activity as
 *   reason code. Default: Open and Phone: Available, Working, ACW; Lunch and Break: Unavailable with that code.
 * - WFM_ALERT_OUT_OF_ADHERENCE_MINUTES: an agent out of adherence this long raises one alert to supervisors (default 5);
 * - WFM_ALERT_STATE_MINUTES: JSON {"<state>": minutes}: an agent in that state this long raises one alert (default {"ACW": 5});
 * - WFM_ALERT_MAX_PER_HOUR: at most this many alerts reach supervisors in an hour, whatever happens (default 30).
 * - WFM_LINK_SECRET: signs the `report` card's CSV links (HMAC-SHA256), shared by every instance; unset, each
 *   process makes its own, and a link then opens only on the instance that made it (a start-up warning says so).
 */
export interface WfmConfig {
  siteTimeZone: string;
  serviceLevelSeconds: number;
  activityStates: ReadonlyMap<string, readonly string[]>;
  alertOutOfAdherenceMinutes: number;
  alertStateMinutes: ReadonlyMap<string, number>;
  alertMaxPerHour: number;
  /** WFM_LINK_SECRET; undefined when unset. */
  linkSecret?: string;
}

export const DEFAULT_ACTIVITY_STATES: Readonly<Record<string, readonly string[]>> = {
  Open: ['Available', 'Working', 'ACW'],
  Phone: ['Available', 'Working', 'ACW'],
  Lunch: ['Unavailable:Lunch'],
  Break: ['Unavailable:Break'],
};

const STATE_NAME = /^(Available|Unavailable|Working|ACW)(:[^:]{1,40})?$/;

const envSchema = z.object({
  WFM_SITE_TIME_ZONE: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (!raw?.trim()) return 'UTC';
      const zone = validTimeZone(raw.trim());
      if (zone) return zone;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be an IANA time zone such as Europe/Paris' });
      return z.NEVER;
    }),
  WFM_SERVICE_LEVEL_SECONDS: wholeNumber(1, 3600, 20),
  WFM_ACTIVITY_STATES: jsonValue(
    z.record(z.string().min(1).max(40), z.array(z.string().regex(STATE_NAME, 'states are Available, Unavailable, Working or ACW, with an optional :reason code')).min(1).max(20)),
  ),
  WFM_ALERT_OUT_OF_ADHERENCE_MINUTES: wholeNumber(1, 600, 5),
  WFM_ALERT_STATE_MINUTES: jsonValue(z.record(z.enum(['Available', 'Unavailable', 'Working', 'ACW']), z.number().int().min(1).max(1440))),
  WFM_ALERT_MAX_PER_HOUR: wholeNumber(1, 10_000, 30),
  WFM_LINK_SECRET: z
    .string()
    .optional()
    .transform((raw) => raw?.trim() || undefined)
    .pipe(z.string().min(32, 'must be at least 32 characters (a random secret shared by every instance)').optional()),
});

export function wfmConfigFrom(env: Record<string, string | undefined>): WfmConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Workforce settings: ${describeIssues(parsed.error.issues)}`);
  const e = parsed.data;
  return {
    siteTimeZone: e.WFM_SITE_TIME_ZONE,
    serviceLevelSeconds: e.WFM_SERVICE_LEVEL_SECONDS,
    activityStates: new Map(Object.entries(e.WFM_ACTIVITY_STATES ?? DEFAULT_ACTIVITY_STATES)),
    alertOutOfAdherenceMinutes: e.WFM_ALERT_OUT_OF_ADHERENCE_MINUTES,
    alertStateMinutes: new Map(Object.entries(e.WFM_ALERT_STATE_MINUTES ?? { ACW: 5 })),
    alertMaxPerHour: e.WFM_ALERT_MAX_PER_HOUR,
    ...(e.WFM_LINK_SECRET ? { linkSecret: e.WFM_LINK_SECRET } : {}),
  };
}
