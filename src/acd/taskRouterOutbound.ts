import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import twilio from 'twilio';
import type { InteractionEvents } from '../interactions/interactionEvents.js';
import { findAcdContact, findWorkerSid, markAcwCompleted } from '../store/acdRepository.js';
import { findInteraction } from '../store/interactionsRepository.js';
import type { Database } from '../store/schema.js';

export interface TwilioOutboundConfig {
  accountSid: string;
  authToken: string;
  workspaceSid: string;
  /** TWILIO_API_BASE_URL: where TaskRouter's REST API is (a Twilio edge, or a local server in tests). */
  apiBaseUrl: string | undefined;
}

/** Attempts to tell TaskRouter, and the wait before each retry: a short outage of its API is ridden out. */
const RETRY_DELAYS_MS = [500, 2_000, 8_000];

/** A twilio REST client whose requests go to `baseUrl` instead of https://<product>.twilio.com (same paths). */
export function twilioClient(config: TwilioOutboundConfig): twilio.Twilio {
  const { apiBaseUrl } = config;
  if (!apiBaseUrl) return twilio(config.accountSid, config.authToken);
  class RedirectingClient extends twilio.RequestClient {
    override request<TData>(opts: Parameters<twilio.RequestClient['request']>[0]) {
      const from = new URL(opts.uri);
      // The options are passed on whole, only their address changed (the generic is the same TData).
      const redirected = { ...opts, uri: `${apiBaseUrl!.replace(/\/+$/, '')}${from.pathname}${from.search}` } as Parameters<twilio.RequestClient['request']>[0] & { data?: TData };
      return super.request<TData>(redirected as never);
    }
  }
  return twilio(config.accountSid, config.authToken, { httpClient: new RedirectingClient() });
}

/**
 * The other direction for TaskRouter: when the agent completes After Call Work in Teams on a contact that
 * came from TaskRouter, its Task is completed there (assignmentStatus=completed), so the worker is free
 * for the next one. A Task TaskRouter completed itself (task.completed) is not sent back: no loop.
 * The attempt is retried in this process (RETRY_DELAYS_MS); a restart meanwhile loses it (not an outbox).
 */
export class TaskRouterOutbound {
  /** Per interaction, the check now running: its next change waits for it (then finds the Task told, or not yet due). */
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      client: twilio.Twilio;
      workspaceSid: string;
      /** Our state or reason code (lower-cased) → the TaskRouter Activity SID that means it. */
      activitySids: ReadonlyMap<string, string>;
      logger: Logger;
      clock: () => Date;
      sleep?: (ms: number) => Promise<void>;
    },
  ) {}

  listenTo(events: InteractionEvents): void {
    // Failures are logged where they happen (completeTask); they are not the card's.
    events.onCardChanged(({ interactionId }) => this.serially(interactionId));
  }

  /** One check at a time per interaction: two changes at once (ACW completed, an ACW write done) tell TaskRouter once. */
  private serially(interactionId: string): Promise<void> {
    const next = (this.running.get(interactionId) ?? Promise.resolve()).then(() => this.onCardChanged(interactionId)).catch(() => undefined);
    this.running.set(interactionId, next);
    void next.then(() => {
      if (this.running.get(interactionId) === next) this.running.delete(interactionId);
    });
    return next;
  }

  private async onCardChanged(interactionId: string): Promise<void> {
    const interaction = await findInteraction(this.deps.db, interactionId);
    if (interaction?.state !== 'completed') return;
    const row = await this.deps.db.selectFrom('interactions').select('acd_contact_id').where('id', '=', interactionId).executeTakeFirst();
    const taskSid = row?.acd_contact_id;
    if (!taskSid) return;
    const contact = await findAcdContact(this.deps.db, taskSid);
    if (!contact || contact.source !== 'twilio' || contact.phase === 'acwCompleted' || contact.phase === 'abandoned') return;
    if (contact.agent_id !== interaction.agentId) return; // the part of an agent it was transferred from
    await this.completeTask(taskSid, interaction.disposition);
    await markAcwCompleted(this.deps.db, taskSid, this.deps.clock().toISOString());
  }

  /**
   * The agent set their own state in Teams: their Worker takes the matching Activity (the reason code's own,
   * else the state's). TaskRouter then reports worker.activity.update, which changes nothing here: no loop.
   */
  async agentStateSet(agentId: string, state: 'Available' | 'Unavailable', reasonCode: string | null): Promise<void> {
    const workerSid = await findWorkerSid(this.deps.db, agentId);
    const activitySid = (reasonCode && this.deps.activitySids.get(reasonCode.toLowerCase())) || this.deps.activitySids.get(state.toLowerCase());
    if (!workerSid || !activitySid) {
      this.deps.logger.debug({ agentId, state, reasonCode, workerKnown: !!workerSid }, 'agent state not sent to TaskRouter (no Worker known, or no Activity for it in TWILIO_ACTIVITY_SIDS)');
      return;
    }
    await this.withRetries({ workerSid, activitySid }, 'TaskRouter worker activity', () =>
      this.deps.client.taskrouter.v1.workspaces(this.deps.workspaceSid).workers(workerSid).update({ activitySid }),
    ).catch(() => undefined);
  }

  private async completeTask(taskSid: string, disposition: string | null): Promise<void> {
    await this.withRetries({ taskSid }, 'TaskRouter task completion', () =>
      this.deps.client.taskrouter.v1
        .workspaces(this.deps.workspaceSid)
        .tasks(taskSid)
        .update({ assignmentStatus: 'completed', reason: `After Call Work completed in Teams${disposition ? `: ${disposition}` : ''}` }),
    );
  }

  private async withRetries(context: Record<string, string>, what: string, send: () => Promise<unknown>): Promise<void> {
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let attempt = 0; ; attempt++) {
      try {
        await send();
        this.deps.logger.info(context, `${what} sent`);
        return;
      } catch (error) {
        const status = (error as { status?: number }).status;
        // A 4xx other than 429 will not change by asking again (the task is gone, or already completed).
        if (attempt >= RETRY_DELAYS_MS.length || (status && status >= 400 && status < 500 && status !== 429)) {
          this.deps.logger.error({ err: error, ...context, status }, `${what} failed`);
          throw error;
        }
        await sleep(RETRY_DELAYS_MS[attempt]!);
      }
    }
  }
}

/** TWILIO_ACTIVITY_SIDS entries (`Lunch:WA…`) as a lookup by lower-cased state or reason code. */
export function parseActivitySids(entries: readonly string[]): ReadonlyMap<string, string> {
  return new Map(entries.map((entry) => [entry.slice(0, entry.lastIndexOf(':')).trim().toLowerCase(), entry.slice(entry.lastIndexOf(':') + 1).trim()]));
}
