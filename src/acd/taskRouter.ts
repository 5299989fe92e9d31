import type { Kysely } from 'kysely';
import { z } from 'zod';
import { findAcdContact } from '../store/acdRepository.js';
import type { Database } from '../store/schema.js';
import type { AcdEvent } from './eventSchema.js';

/** How a TaskRouter activity name becomes our state: `Offline` → Unavailable, `Break` → Unavailable + Break. */
export type ActivityStates = ReadonlyMap<string, { state: 'Available' | 'Unavailable'; reasonCode: string | null }>;

/** The fields of a TaskRouter Event Callback this app reads (form-encoded; attributes are JSON text). */
const callback = z
  .object({
    EventType: z.string().min(1),
    Sid: z.string().optional(),
    ResourceSid: z.string().optional(),
    Timestamp: z.string().optional(),
    TaskSid: z.string().optional(),
    TaskAttributes: z.string().optional(),
    TaskQueueName: z.string().optional(),
    TaskChannelUniqueName: z.string().optional(),
    WorkerSid: z.string().optional(),
    WorkerAttributes: z.string().optional(),
    WorkerActivityName: z.string().optional(),
  })
  .passthrough();

export type Translation = { kind: 'events'; events: AcdEvent[]; agent: { aadObjectId: string } | { email: string }; workerSid?: string } | { kind: 'ignored'; reason: string };

/**
 * Turns TaskRouter Event Callbacks into the events API's events (the same dispatcher then applies them):
 * reservation.created → contact.offered (the card rings); reservation.accepted → offered + answered;
 * task.wrapup → ended;
 * task.completed → acwCompleted; task.canceled → abandoned; worker.activity.update → agent.state. The
 * contact is the Task; the agent is the worker whose attribute `aadObjectId` (or `email`) names them; a
 * task event carries no worker, so it goes to whoever the Task was last with.
 */
export class TaskRouterTranslator {
  constructor(private readonly deps: { db: Kysely<Database>; activityStates: ActivityStates; reasonCodes: readonly string[] }) {}

  async translate(params: Record<string, string>): Promise<Translation> {
    const parsed = callback.safeParse(params);
    if (!parsed.success) return { kind: 'ignored', reason: 'not a TaskRouter event callback (no EventType)' };
    const p = parsed.data;
    const at = eventTime(p.Timestamp);
    const id = p.Sid ?? `${p.EventType}:${p.ResourceSid ?? p.TaskSid ?? p.WorkerSid ?? ''}:${p.Timestamp ?? ''}`;
    const task = jsonObject(p.TaskAttributes);
    const contact = p.TaskSid
      ? {
          id: p.TaskSid,
          channel: channelOf(p.TaskChannelUniqueName ?? String(task.channel ?? 'voice')),
          ...(typeof task.from === 'string' && task.from ? { ani: task.from.slice(0, 40) } : {}),
          ...(typeof task.to === 'string' && task.to ? { dnis: task.to.slice(0, 40) } : {}),
          ...(p.TaskQueueName ? { skill: p.TaskQueueName.slice(0, 30) } : {}),
        }
      : undefined;
    const worker = workerRef(p.WorkerAttributes);

    switch (p.EventType) {
      case 'reservation.created':
      case 'reservation.accepted': {
        if (!contact || !worker) return { kind: 'ignored', reason: 'a reservation without its task or a worker naming an agent (aadObjectId or email attribute)' };
        if (!contact.ani) return { kind: 'ignored', reason: 'a reservation whose task has no "from" attribute (the caller)' };
        const events: AcdEvent[] = [{ id: `${id}:offered`, type: 'contact.offered', at, agent: worker, contact: { ...contact, ani: contact.ani } }];
        if (p.EventType === 'reservation.accepted') events.push({ id: `${id}:answered`, type: 'contact.answered', at, agent: worker, contact });
        return { kind: 'events', events, agent: worker, ...(p.WorkerSid ? { workerSid: p.WorkerSid } : {}) };
      }
      case 'task.wrapup':
      case 'task.completed':
      case 'task.canceled': {
        if (!contact) return { kind: 'ignored', reason: 'a task event without TaskSid' };
        const agent = worker ?? (await this.agentOfTask(contact.id));
        if (!agent) return { kind: 'ignored', reason: 'a task never reserved for an agent known here' };
        if (p.EventType === 'task.wrapup') return { kind: 'events', events: [{ id, type: 'contact.ended', at, agent, contact }], agent };
        if (p.EventType === 'task.canceled') return { kind: 'events', events: [{ id, type: 'contact.abandoned', at, agent, contact }], agent };
        const disposition = typeof task.disposition === 'string' && task.disposition.trim() ? task.disposition.trim().slice(0, 100) : undefined;
        return { kind: 'events', events: [{ id, type: 'contact.acwCompleted', at, agent, contact, ...(disposition ? { disposition } : {}) }], agent };
      }
      case 'worker.activity.update': {
        if (!worker || !p.WorkerActivityName) return { kind: 'ignored', reason: 'an activity update without a worker naming an agent, or without the activity' };
        const { state, reasonCode } = this.stateOf(p.WorkerActivityName);
        return { kind: 'events', events: [{ id, type: 'agent.state', at, agent: worker, state, reasonCode }], agent: worker, ...(p.WorkerSid ? { workerSid: p.WorkerSid } : {}) };
      }
      default:
        return { kind: 'ignored', reason: `${p.EventType.slice(0, 60)} is not an event this app acts on` };
    }
  }

  /** Configured names first; else Available is Available, a name that is one of our reason codes is Unavailable with it, anything else Unavailable. */
  private stateOf(activity: string): { state: 'Available' | 'Unavailable'; reasonCode: string | null } {
    const configured = [...this.deps.activityStates].find(([name]) => name.toLowerCase() === activity.toLowerCase());
    if (configured) return configured[1];
    if (activity.toLowerCase() === 'available') return { state: 'Available', reasonCode: null };
    return { state: 'Unavailable', reasonCode: this.deps.reasonCodes.find((c) => c.toLowerCase() === activity.toLowerCase()) ?? null };
  }

  private async agentOfTask(taskSid: string): Promise<{ aadObjectId: string } | undefined> {
    const known = await findAcdContact(this.deps.db, taskSid);
    return known ? { aadObjectId: known.agent_id } : undefined;
  }
}

/** TaskRouter's Timestamp is Unix seconds; milliseconds and ISO text are read too; absent: now. */
function eventTime(timestamp: string | undefined): string {
  if (timestamp && /^\d+$/.test(timestamp)) {
    const n = Number(timestamp);
    return new Date(n > 1e12 ? n : n * 1000).toISOString();
  }
  const parsed = timestamp ? Date.parse(timestamp) : NaN;
  return new Date(Number.isNaN(parsed) ? Date.now() : parsed).toISOString();
}

function jsonObject(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function workerRef(attributes: string | undefined): { aadObjectId: string } | { email: string } | undefined {
  const a = jsonObject(attributes);
  if (typeof a.aadObjectId === 'string' && a.aadObjectId.trim()) return { aadObjectId: a.aadObjectId.trim().slice(0, 200) };
  if (typeof a.email === 'string' && a.email.trim()) return { email: a.email.trim().toLowerCase().slice(0, 320) };
  return undefined;
}

function channelOf(name: string): 'voice' | 'chat' | 'sms' | 'web' {
  const n = name.toLowerCase();
  return n === 'chat' || n === 'sms' || n === 'web' ? n : 'voice';
}

/** TWILIO_ACTIVITY_STATES: `Activity:State[:Reason],...`, e.g. `Offline:Unavailable,Lunch:Unavailable:Lunch`. */
export function parseActivityStates(entries: readonly string[]): ActivityStates {
  return new Map(
    entries.map((entry) => {
      const [name = '', state = '', reason] = entry.split(':').map((x) => x.trim());
      return [name, { state: state === 'Available' ? 'Available' : 'Unavailable', reasonCode: state === 'Available' ? null : reason || null }] as const;
    }),
  );
}
