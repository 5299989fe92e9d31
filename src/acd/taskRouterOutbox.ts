import { randomUUID } from 'node:crypto';
import type { Repositories } from '../store/unitOfWork.js';
import { contactCompletedInTeams, type CompletedInTeams } from './webhookOutbox.js';

/** A call to TaskRouter's REST API, as kept in the outbox until it is made (the row's body). */
export type TaskRouterCall = { id: string; type: 'task.complete'; taskSid: string; reason: string } | { id: string; type: 'worker.activity'; workerSid: string; activitySid: string; at: string };

/**
 * What TaskRouter is told of what agents do in Teams, queued in the change's own transaction (both or
 * neither) for the TaskRouter worker (taskRouterOutbound.ts): a restart between the two loses nothing.
 */
export function taskRouterOutbox(activitySids: ReadonlyMap<string, string>) {
  return {
    /**
     * ACW completed in Teams on a TaskRouter contact: its Task is to be completed (assignmentStatus=completed).
     * The id is the Task's own, so a second completion queues nothing; a Task TaskRouter completed itself
     * (task.completed) is not sent back.
     */
    async acwCompleted(repos: Repositories, done: CompletedInTeams, at: string): Promise<void> {
      const contact = await contactCompletedInTeams(repos, done);
      if (contact?.source !== 'twilio') return;
      const taskSid = contact.contact_id;
      const call: TaskRouterCall = {
        id: `taskrouter:task:${taskSid}:completed`,
        type: 'task.complete',
        taskSid,
        reason: `After Call Work completed in Teams${done.disposition ? `: ${done.disposition}` : ''}`,
      };
      await repos.acd.enqueueDelivery(call, at, { target: 'taskrouter' });
      await repos.acd.markAcwCompleted(taskSid, at);
    },

    /**
     * The agent set their own state in Teams: their Worker (known from TaskRouter's callbacks) takes the
     * reason code's Activity, else the state's. A newer change supersedes one still pending. TaskRouter's
     * worker.activity.update echo of it then changes nothing: no loop.
     */
    async agentState(repos: Repositories, agentId: string, state: 'Available' | 'Unavailable', reasonCode: string | null, at: string): Promise<void> {
      const activitySid = (reasonCode && activitySids.get(reasonCode.toLowerCase())) || activitySids.get(state.toLowerCase());
      const workerSid = activitySid && (await repos.acd.findWorkerSid(agentId));
      if (!workerSid || !activitySid) return;
      const call: TaskRouterCall = { id: `taskrouter:worker:${workerSid}:${randomUUID()}`, type: 'worker.activity', workerSid, activitySid, at };
      await repos.acd.enqueueDelivery(call, at, { target: 'taskrouter', subject: `worker:${workerSid}` });
    },
  };
}
