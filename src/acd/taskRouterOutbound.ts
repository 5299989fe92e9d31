import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type twilio from 'twilio';
import type { WebhookDelivery } from '../store/acdWebhookRepository.js';
import type { Database } from '../store/schema.js';
import { describeFailure, OutboxWorker, type AttemptResult } from './outboxWorker.js';
import type { TaskRouterCall } from './taskRouterOutbox.js';

export interface TwilioOutboundConfig {
  accountSid: string;
  authToken: string;
  workspaceSid: string;
  /** TWILIO_API_BASE_URL: where TaskRouter's REST API is (a Twilio edge, or a local server in tests). */
  apiBaseUrl: string | undefined;
}

/** One call's time limit: a TaskRouter that does not answer is tried again later, not waited for. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The twilio library, loaded when first needed: it is large (about 5 MB of code and 23 MB of memory once
 * loaded) and a deployment without TaskRouter never needs it.
 */
export async function loadTwilio(): Promise<typeof twilio> {
  return (await import('twilio')).default;
}

/** A twilio REST client whose requests go to `baseUrl` instead of https://<product>.twilio.com (same paths). */
export async function twilioClient(config: TwilioOutboundConfig): Promise<twilio.Twilio> {
  const twilio = await loadTwilio();
  const { apiBaseUrl } = config;
  if (!apiBaseUrl) return twilio(config.accountSid, config.authToken, { timeout: REQUEST_TIMEOUT_MS });
  class RedirectingClient extends twilio.RequestClient {
    override request<TData>(opts: Parameters<twilio.RequestClient['request']>[0]) {
      const from = new URL(opts.uri);
      // The options are passed on whole, only their address changed (the generic is the same TData).
      const redirected = { ...opts, uri: `${apiBaseUrl!.replace(/\/+$/, '')}${from.pathname}${from.search}` } as Parameters<twilio.RequestClient['request']>[0] & { data?: TData };
      return super.request<TData>(redirected as never);
    }
  }
  return twilio(config.accountSid, config.authToken, { httpClient: new RedirectingClient({ timeout: REQUEST_TIMEOUT_MS }) });
}

/**
 * The other direction for TaskRouter: makes the calls queued in the outbox's 'taskrouter' rows
 * (taskRouterOutbox.ts) through the twilio library: Update Task (assignmentStatus=completed, so the worker is
 * free for the next one) and Update Worker (activitySid). Retries, backoff and giving up are the
 * OutboxWorker's, so a TaskRouter outage or a restart of the app delays a call but does not lose it.
 */
export class TaskRouterWorker extends OutboxWorker {
  constructor(options: {
    db: Kysely<Database>;
    client: () => Promise<twilio.Twilio>;
    workspaceSid: string;
    logger: Logger;
    clock: () => Date;
    baseDelayMs?: number;
    maxDelayMs?: number;
    pollMs?: number;
  }) {
    // The client (and the library) is made at the first call, not when the app starts.
    let workspace: Promise<Workspace> | undefined;
    const workspaceOf = () => (workspace ??= options.client().then((client) => client.taskrouter.v1.workspaces(options.workspaceSid)));
    super({ ...options, target: 'taskrouter', what: 'TaskRouter call', send: async (delivery) => call(await workspaceOf(), delivery) });
  }
}

type Workspace = ReturnType<twilio.Twilio['taskrouter']['v1']['workspaces']>;

async function call(workspace: Workspace, delivery: WebhookDelivery): Promise<AttemptResult> {
  const queued = JSON.parse(delivery.body) as TaskRouterCall;
  try {
    if (queued.type === 'task.complete') await workspace.tasks(queued.taskSid).update({ assignmentStatus: 'completed', reason: queued.reason });
    else await workspace.workers(queued.workerSid).update({ activitySid: queued.activitySid });
    return { statusCode: 200, error: null };
  } catch (thrown) {
    // The twilio library throws a RestException (status, message from TaskRouter) for an answer, else a network error.
    const status = (thrown as { status?: unknown }).status;
    if (typeof status === 'number') return { statusCode: status, error: `HTTP ${status}: ${String((thrown as Error).message ?? '').slice(0, 200)}` };
    return { statusCode: null, error: describeFailure(thrown, REQUEST_TIMEOUT_MS) };
  }
}

/** TWILIO_ACTIVITY_SIDS entries (`Lunch:WA…`) as a lookup by lower-cased state or reason code. */
export function parseActivitySids(entries: readonly string[]): ReadonlyMap<string, string> {
  return new Map(entries.map((entry) => [entry.slice(0, entry.lastIndexOf(':')).trim().toLowerCase(), entry.slice(entry.lastIndexOf(':') + 1).trim()]));
}
