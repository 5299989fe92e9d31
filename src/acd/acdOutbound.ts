import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AcdSettings } from './acdConfig.js';
import type { Database } from '../store/schema.js';
import type { Repositories } from '../store/unitOfWork.js';
import type { OutboxWorker } from './outboxWorker.js';
import { taskRouterOutbox } from './taskRouterOutbox.js';
import { parseActivitySids, TaskRouterWorker, twilioClient } from './taskRouterOutbound.js';
import { queueAcwCompleted, queueAgentState, type CompletedInTeams } from './webhookOutbox.js';
import { AcdWebhookWorker } from './webhookWorker.js';

type StateHook = (repos: Repositories, agentId: string, state: 'Available' | 'Unavailable', reasonCode: string | null, at: string) => Promise<void>;
type CompletionHook = (repos: Repositories, done: CompletedInTeams, at: string) => Promise<void>;

/**
 * Both outbound directions of issue 13 as the rest of the product sees them: the hooks that queue what the
 * ACDs must hear inside the change's transaction (the generic webhook's events, TaskRouter's calls), and
 * the outbox workers that deliver them. Each part is there only when configured.
 */
export function createAcdOutbound(settings: AcdSettings, deps: { db: Kysely<Database>; logger: Logger; clock: () => Date }) {
  const logger = deps.logger.child({ part: 'acd-outbound' });
  const workers: OutboxWorker[] = [];
  const stateHooks: StateHook[] = [];
  const completionHooks: CompletionHook[] = [];
  if (settings.acdWebhook) {
    workers.push(new AcdWebhookWorker({ db: deps.db, ...settings.acdWebhook, logger, clock: deps.clock }));
    stateHooks.push(queueAgentState);
    completionHooks.push(queueAcwCompleted);
  }
  const outbound = settings.twilio.outbound;
  if (outbound) {
    workers.push(new TaskRouterWorker({ db: deps.db, client: () => twilioClient(outbound), workspaceSid: outbound.workspaceSid, logger, clock: deps.clock }));
    const queue = taskRouterOutbox(parseActivitySids(settings.twilio.activitySids));
    stateHooks.push(queue.agentState);
    completionHooks.push(queue.acwCompleted);
  }
  return {
    /** For AgentService: the agent's own state change, queued for every configured ACD. */
    recordOwnStateChange: stateHooks.length
      ? ((async (repos, ...args) => {
          for (const hook of stateHooks) await hook(repos, ...args);
        }) satisfies StateHook)
      : undefined,
    /** For CallLifecycle: ACW completed in Teams, queued for the ACD the contact came from. */
    recordAcwCompleted: completionHooks.length
      ? ((async (repos, done, at) => {
          for (const hook of completionHooks) await hook(repos, done, at);
        }) satisfies CompletionHook)
      : undefined,
    /** A change was committed: deliver now rather than at the next poll. */
    wake: () => workers.forEach((w) => w.wake()),
    start: () => workers.forEach((w) => w.start()),
    stop: () => Promise.all(workers.map((w) => w.stop())).then(() => undefined),
  };
}
