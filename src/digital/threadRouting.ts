import type { Logger } from 'pino';
import { AppError, stale } from '../domain/errors.js';
import type { Thread } from '../domain/digital.js';
import type { Interaction } from '../domain/interaction.js';
import type { CardPoster } from '../interactions/contactEvents.js';
import type { CardQuery } from '../interactions/cardQuery.js';
import type { InteractionEvents } from '../interactions/interactionEvents.js';
import { PollingLoop } from '../jobs/pollingLoop.js';
import type { Repositories, UnitOfWork } from '../store/unitOfWork.js';
import type { QueuePosition, RoutingCandidate } from '../store/threadsRepository.js';
import type { DigitalConfig } from './digitalConfig.js';
import type { ThreadRouter } from './ports.js';
import { threadStep } from './threadSteps.js';

export interface ThreadRoutingDeps {
  unit: UnitOfWork;
  /** Draws the card an assigned agent gets (the same drawing as every card of the interaction). */
  cards: Pick<CardQuery, 'currentView'>;
  /** Posts it into the agent's chat, as ACD-offered calls are (src/teams/proactiveCards.ts). */
  poster: CardPoster;
  events: InteractionEvents;
  config: Pick<DigitalConfig, 'concurrency' | 'agentSkills'>;
  logger: Logger;
  clock: () => Date;
  /** How often the queue is looked at even when nothing woke it (an agent made Available by an ACD, on another instance). */
  pollMs?: number;
}

/** What routing runs besides the port: the queue's own loop, woken when an agent may have become free. */
export interface RunningThreadRouter extends ThreadRouter {
  start(): void;
  /** Drains the queue soon (an agent became Available, a digital interaction of theirs ended). */
  wake(): void;
  stop(): Promise<void>;
}

/** Queued threads are read in pages of this many, oldest first. */
const QUEUE_BATCH = 100;

const NOT_TAKING = 'That agent cannot take this conversation now: they are not Available, or already have as many conversations as they may.';

/**
 * Who gets a thread (issue 14): round robin among the Available agents who have its skill and fewer open
 * digital interactions than the concurrency allows, starting after the agent who got the last thread of that
 * skill (kept in the database, so it holds across restarts and instances). The pick and the assignment are one
 * transaction under the routing lock, and the assignment only moves a thread still as it was read, so two
 * instances never both assign one thread nor both fill an agent's last place.
 */
export function createThreadRouter(deps: ThreadRoutingDeps): RunningThreadRouter {
  const { unit, config } = deps;
  const ownSkills = (agent: RoutingCandidate, skills: ReadonlyMap<string, readonly string[]>): readonly string[] =>
    (agent.email && skills.get(agent.email.toLowerCase())) || skills.get(agent.id.toLowerCase()) || [];
  const hasSkill = (agent: RoutingCandidate, skill: string | null): boolean => {
    if (!skill || !config.agentSkills) return true;
    return ownSkills(agent, config.agentSkills).some((s) => s.toLowerCase() === skill.toLowerCase());
  };
  /** The skills these agents have, lower case; undefined when no skills are configured (anyone takes any thread). */
  const skillsOf = (agents: readonly RoutingCandidate[]): string[] | undefined => {
    const skills = config.agentSkills;
    return skills ? [...new Set(agents.flatMap((agent) => ownSkills(agent, skills).map((s) => s.toLowerCase())))] : undefined;
  };
  /** The agents (their id or email, lower case) who have this skill; undefined when anyone may take it. */
  const keysWith = (skill: string | null): string[] | undefined => {
    if (!skill || !config.agentSkills) return undefined;
    const wanted = skill.toLowerCase();
    return [...config.agentSkills].filter(([, skills]) => skills.some((s) => s.toLowerCase() === wanted)).map(([key]) => key.toLowerCase());
  };

  /** The thread and its interaction as they stand inside the routing transaction; none when it is over. */
  async function openThread(repos: Repositories, threadId: string): Promise<{ thread: Thread; agentId: string; interaction: Interaction } | undefined> {
    const thread = await repos.threads.find(threadId);
    if (!thread || thread.status === 'Closed') return undefined;
    const interaction = await repos.interactions.find(thread.interactionId);
    if (!interaction || interaction.state === 'completed') return undefined;
    return { thread, agentId: interaction.agentId, interaction };
  }

  /** Raises the change (tabs, other instances) and posts the card to its new owner. */
  async function handOver(thread: Pick<Thread, 'interactionId'>, agentId: string): Promise<void> {
    const view = await deps.cards.currentView(thread.interactionId);
    deps.events.cardChanged(thread.interactionId, agentId, undefined, { created: true });
    deps.poster.post(agentId, view);
  }

  async function route(threadId: string, options: { skill?: string | null; excludeAgentId?: string } = {}): Promise<string | null> {
    const now = deps.clock().toISOString();
    const assigned = await unit.run(async (repos) => {
      await repos.threads.lockRouting();
      const open = await openThread(repos, threadId);
      if (!open) return null;
      const { thread, agentId: owner, interaction } = open;
      const skill = options.skill !== undefined ? options.skill : thread.skill;
      const key = skill?.toLowerCase() ?? '';
      const candidates = (await repos.threads.routingCandidates({ maxLoad: config.concurrency, keys: keysWith(skill) })).filter((a) => a.id !== options.excludeAgentId && hasSkill(a, skill));
      const cursor = await repos.threads.routingCursor(key);
      const next = candidates.find((a) => cursor !== undefined && a.id > cursor) ?? candidates[0];
      const from = { assignment: thread.assignment, agentId: owner };
      if (!next) {
        // Nobody can take it now: it waits in the queue (under its new skill, if it was transferred to one).
        if (thread.assignment !== 'queued' || owner !== '' || skill !== thread.skill) await repos.threads.moveAssignment(thread, from, { assignment: 'queued', agentId: '', skill });
        return null;
      }
      if (!(await repos.threads.moveAssignment(thread, from, { assignment: 'assigned', agentId: next.id, skill }))) return null;
      await repos.threads.moveRoutingCursor(key, next.id, now);
      await repos.wfmLog.appendContact(threadStep(interaction, 'answered', { agentId: next.id, skill, at: now }), now);
      return { thread, agentId: next.id };
    });
    if (!assigned) return null;
    deps.logger.info({ threadId, interactionId: assigned.thread.interactionId, agentId: assigned.agentId }, 'conversation assigned');
    await handOver(assigned.thread, assigned.agentId);
    return assigned.agentId;
  }

  async function assignTo(threadId: string, agentId: string): Promise<void> {
    const now = deps.clock().toISOString();
    const thread = await unit.run(async (repos) => {
      await repos.threads.lockRouting();
      const open = await openThread(repos, threadId);
      if (!open) throw stale('This conversation is Closed or over: it cannot be transferred.');
      const [agent] = await repos.threads.routingCandidates({ maxLoad: config.concurrency, keys: [agentId.toLowerCase()] });
      if (agent?.id !== agentId) throw new AppError('conflict', NOT_TAKING);
      const moved = await repos.threads.moveAssignment(open.thread, { assignment: open.thread.assignment, agentId: open.agentId }, { assignment: 'assigned', agentId });
      if (!moved) throw stale('This conversation changed meanwhile; nothing was transferred. Look at its card again.');
      await repos.wfmLog.appendContact(threadStep(open.interaction, 'answered', { agentId, skill: open.thread.skill, at: now }), now);
      return open.thread;
    });
    await handOver(thread, agentId);
  }

  async function drainQueue(): Promise<number> {
    const anyRoom = async () => (await unit.repos.threads.routingCandidates({ maxLoad: config.concurrency, limit: 1 })).length > 0;
    // Every agent coming Available wakes this: with nothing queued (the usual case), who is free is not read
    // (every Available agent, with a count each).
    if ((await unit.repos.threads.queued(1)).length === 0) return 0;
    let assigned = 0;
    let after: QueuePosition | undefined;
    for (;;) {
      const free = await unit.repos.threads.routingCandidates({ maxLoad: config.concurrency });
      if (free.length === 0) return assigned;
      const queued = await unit.repos.threads.queued(QUEUE_BATCH, { after, skills: skillsOf(free) });
      for (const thread of queued) {
        if (await route(thread.id)) assigned += 1;
        else if (!(await anyRoom())) return assigned;
      }
      if (queued.length < QUEUE_BATCH) return assigned;
      // The next page starts after this one: threads nobody free can take never hold newer ones back.
      const last = queued[queued.length - 1]!;
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  const loop = new PollingLoop({ run: drainQueue, pollMs: deps.pollMs ?? 10_000, onError: (error) => deps.logger.error({ err: error }, 'draining the conversation queue failed') });
  return { route, assignTo, drainQueue, start: () => loop.start(), wake: () => loop.wake(), stop: () => loop.stop() };
}
