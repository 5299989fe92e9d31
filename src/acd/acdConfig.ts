import { z } from 'zod';
import { unsetIfEmpty as optional } from '../envFields.js';

/** A comma-separated list whose every entry matches `pattern` (unset: empty). */
const entries = (pattern: RegExp, message: string) =>
  z
    .string()
    .optional()
    .transform((s) =>
      (s ?? '')
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(pattern, message)));

/** The environment variables of the contact-center ingress (issue 13); config.ts adds them to its schema. */
export const acdEnvShape = {
  /** The secret an ACD signs POST /api/acd/events with (X-Signature); unset: only named sources may post. */
  ACD_EVENTS_SECRET: optional(z.string().min(16, 'must be at least 16 characters')),
  /** More senders, each with its own secret, as source:secret,...; a sender names itself in X-Acd-Source. */
  ACD_EVENTS_SECRETS: entries(/^[A-Za-z0-9_.-]{1,40}:.{16,}$/, 'must be source:secret,... (a source of letters, digits, _ . -; a secret of 16 characters or more)'),
  /** The generic ACD's webhook: agents' own state changes in Teams are POSTed there, signed (unset: none sent). */
  ACD_WEBHOOK_URL: optional(z.string().url('must be a URL such as https://acd.example.com/hooks/customer-card')),
  /** What the webhook's events are signed with (X-Signature); unset, ACD_EVENTS_SECRET. */
  ACD_WEBHOOK_SECRET: optional(z.string().min(16, 'must be at least 16 characters')),
  /** Twilio: the auth token TaskRouter's callbacks are signed with (X-Twilio-Signature); unset, they get 401. */
  TWILIO_AUTH_TOKEN: optional(z.string()),
  /** Twilio account and TaskRouter workspace, for telling TaskRouter what agents do in Teams (with TWILIO_AUTH_TOKEN). */
  TWILIO_ACCOUNT_SID: optional(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be an Account SID (AC followed by 32 hex digits)')),
  TWILIO_WORKSPACE_SID: optional(z.string().regex(/^WS[0-9a-fA-F]{32}$/, 'must be a Workspace SID (WS followed by 32 hex digits)')),
  /** Our states and reason codes → TaskRouter Activity SIDs: Available:WA…,Unavailable:WA…,Lunch:WA… (a reason code's own first). */
  TWILIO_ACTIVITY_SIDS: entries(/^[^:,]+:WA[0-9a-fA-F]{32}$/, 'must be State-or-reason:Activity SID (WA followed by 32 hex digits), comma-separated'),
  /** Where Twilio's REST API is (default: Twilio's own hosts); a Twilio edge, or a local server in tests. */
  TWILIO_API_BASE_URL: optional(z.string().url('must be a URL such as https://taskrouter.dublin.ie1.twilio.com')),
  /** The app's public address (https://host), when a proxy stands between Twilio and it: signatures cover the URL Twilio called. */
  PUBLIC_BASE_URL: optional(
    z
      .string()
      .url('must be a URL such as https://customer-card.example.com')
      .transform((u) => u.replace(/\/+$/, '')),
  ),
  /** TaskRouter activity names → our states: Activity:State[:Reason],... (default: Available, a reason code's name, else Unavailable). */
  TWILIO_ACTIVITY_STATES: entries(/^[^:,]+:(Available|Unavailable)(:[^:,]+)?$/, 'must be Activity:Available or Activity:Unavailable[:Reason], comma-separated'),
};

type AcdEnv = z.infer<z.ZodObject<typeof acdEnvShape>>;

export interface AcdSettings {
  /** Who may post ACD events: source name → secret ('default': ACD_EVENTS_SECRET, for requests naming no source). */
  acdEventSecrets: ReadonlyMap<string, string>;
  /** Set when ACD_WEBHOOK_URL and a secret (its own or ACD_EVENTS_SECRET) are: then the generic ACD hears agents' own changes. */
  acdWebhook: { url: string; secret: string } | undefined;
  twilio: {
    authToken: string | undefined;
    publicBaseUrl: string | undefined;
    activityStates: string[];
    activitySids: string[];
    /** Set when the account, workspace and token are: then TaskRouter hears what agents do in Teams. */
    outbound: { accountSid: string; authToken: string; workspaceSid: string; apiBaseUrl: string | undefined } | undefined;
  };
}

export function acdSettings(e: AcdEnv): AcdSettings {
  return {
    acdEventSecrets: new Map([
      ...(e.ACD_EVENTS_SECRET ? [['default', e.ACD_EVENTS_SECRET] as const] : []),
      ...e.ACD_EVENTS_SECRETS.map((pair) => [pair.slice(0, pair.indexOf(':')), pair.slice(pair.indexOf(':') + 1)] as const),
    ]),
    acdWebhook: e.ACD_WEBHOOK_URL && (e.ACD_WEBHOOK_SECRET ?? e.ACD_EVENTS_SECRET) ? { url: e.ACD_WEBHOOK_URL, secret: (e.ACD_WEBHOOK_SECRET ?? e.ACD_EVENTS_SECRET)! } : undefined,
    twilio: {
      authToken: e.TWILIO_AUTH_TOKEN,
      publicBaseUrl: e.PUBLIC_BASE_URL,
      activityStates: e.TWILIO_ACTIVITY_STATES,
      activitySids: e.TWILIO_ACTIVITY_SIDS,
      outbound:
        e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN && e.TWILIO_WORKSPACE_SID
          ? { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN, workspaceSid: e.TWILIO_WORKSPACE_SID, apiBaseUrl: e.TWILIO_API_BASE_URL }
          : undefined,
    },
  };
}
