import type { Logger } from 'pino';
import type { CustomerCardView, Notice } from '../domain/customerCard.js';
import { assertStatusMove, type DigitalTrigger, type Thread, type ThreadStatus } from '../domain/digital.js';
import { conflict, invalidInput, stale } from '../domain/errors.js';
import type { Interaction } from '../domain/interaction.js';
import { CardChanges } from '../interactions/cardChanges.js';
import type { CardQuery } from '../interactions/cardQuery.js';
import type { InteractionEvents } from '../interactions/interactionEvents.js';
import { Ownership } from '../interactions/ownership.js';
import type { UnitOfWork } from '../store/unitOfWork.js';
import type { WorkflowEngine } from '../workflows/engine.js';
import { parseThreadNotes, parseThreadTags, parseTransferTarget, type TransferTarget } from './outcomeInput.js';
import type { ThreadRouter } from './ports.js';
import { threadStep } from './threadSteps.js';
import { fireDigitalTrigger } from './threadTrigger.js';

export interface ThreadOutcomesDeps {
  unit: UnitOfWork;
  engine: Pick<WorkflowEngine, 'configuration'>;
  /** Who gets a thread let go (the threads piece's router, behind its port). */
  router: ThreadRouter;
  /** Draws cards: the owner's (`view`) and, once the thread is someone else's, as it stands (`currentView`). */
  cards: Pick<CardQuery, 'view' | 'currentView'>;
  events: InteractionEvents;
  /** Called after a commit that queued timeline/memorialization jobs, so the worker runs them now. */
  onJobsQueued: () => void;
  logger: Logger;
  clock?: () => Date;
}

const ALREADY_CLOSED = 'This conversation is already Closed; nothing was sent twice.';
const CHANGED_MEANWHILE = 'This conversation changed meanwhile (Closed, transferred, unassigned or dismissed); nothing was changed.';

/**
 * What the agent decides about a digital conversation (issue 14), from its card: its status, tags and notes;
 * transferring it to an agent or a skill, unassigning it (back to the queue, for someone else) or dismissing
 * it (until the end user writes again). Only the assigned agent may; Closed is final. The first of transfer,
 * unassign, dismiss or Closed fires timeline + memorialization once (threadTrigger.ts).
 */
export class ThreadOutcomes {
  private readonly ownership: Ownership;
  private readonly changes: CardChanges;
  private readonly clock: () => Date;

  constructor(private readonly deps: ThreadOutcomesDeps) {
    this.ownership = new Ownership(deps.unit.repos);
    this.changes = new CardChanges(deps.events, deps.unit.repos.interactions, (agentId, interactionId) => deps.cards.view(agentId, interactionId));
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Status, tags and notes (kept in interactions.notes: memorialization carries them); Closed completes it. */
  async saveOutcome(agentId: string, interactionId: string, input: { status: ThreadStatus; tags: string; notes: string }): Promise<CustomerCardView> {
    const tags = parseThreadTags(input.tags);
    const notes = parseThreadNotes(input.notes);
    const { interaction, thread } = await this.ownedThread(agentId, interactionId);
    if (input.status === 'Closed' && (thread.status === 'Closed' || interaction.state === 'completed')) throw stale(ALREADY_CLOSED);
    assertStatusMove(thread.status, input.status);
    const closing = input.status === 'Closed';
    const now = this.clock();
    const at = now.toISOString();
    const agent = await this.deps.unit.repos.agents.find(agentId);
    const queued = await this.deps.unit.run(async (repos) => {
      if (!(await repos.threadOutcomes.holdOwnedOpen(interactionId, agentId))) throw stale(closing ? ALREADY_CLOSED : CHANGED_MEANWHILE);
      const change = closing ? { notes, state: 'completed' as const, completedAt: at, endedAt: interaction.endedAt ?? at } : { notes };
      await repos.interactions.update(interactionId, 'active', change);
      if (!(await repos.threadOutcomes.save(thread.id, { status: input.status, tags }))) throw stale(ALREADY_CLOSED);
      if (!closing) return 0;
      await repos.wfmLog.appendContact(threadStep(interaction, 'ended', { agentId, skill: thread.skill, at }), at);
      return fireDigitalTrigger(repos, {
        thread: { ...thread, status: input.status, tags },
        interaction: { ...interaction, ...change },
        trigger: 'closed',
        agent: { id: agentId, name: agent?.name ?? agentId },
        configuration: this.deps.engine.configuration(interaction.configurationId),
        now,
      });
    });
    this.afterTrigger(queued, interactionId, closing ? 'closed' : undefined);
    if (closing) await this.drainQueue();
    const text = closing ? `Closed.${this.savedText(queued)}` : `Saved: ${input.status}${tags.length ? ` · ${tags.length} tag${tags.length === 1 ? '' : 's'}` : ''}${notes ? ' · notes' : ''}.`;
    return this.changes.done(interaction, { kind: 'info', text });
  }

  /** To an agent ("agent:<id>") or a skill ("skill:<name>"): nobody free with it → it waits in the queue. */
  async transfer(agentId: string, interactionId: string, transferTo: string): Promise<CustomerCardView> {
    const target = parseTransferTarget(transferTo);
    if ('agentId' in target && target.agentId === agentId) throw invalidInput('transferTo: this conversation is yours already; choose another agent or a skill.');
    const { interaction, thread } = await this.ownedOpenThread(agentId, interactionId);
    if ('agentId' in target && !(await this.deps.unit.repos.agents.find(target.agentId))) {
      throw invalidInput('transferTo: no agent by that id can take conversations; choose another agent or a skill.');
    }
    const skill = 'skill' in target ? target.skill : thread.skill;
    const to = 'agentId' in target ? target.agentId : null;
    const queued = await this.letGo(agentId, interaction, thread, { trigger: 'transfer', assignment: 'queued', skill, step: { step: 'transferred', agentId: to } });
    const text = `${await this.routeTransfer(thread.id, agentId, target)}${this.savedText(queued.jobs)}`;
    return this.retired(agentId, interaction, queued.cardMessageId, text);
  }

  /** Back to the queue, for someone else with the thread's skill (not this agent). */
  async unassign(agentId: string, interactionId: string): Promise<CustomerCardView> {
    const { interaction, thread } = await this.ownedOpenThread(agentId, interactionId);
    const queued = await this.letGo(agentId, interaction, thread, { trigger: 'unassign', assignment: 'queued', skill: thread.skill, step: { step: 'ended', agentId } });
    const next = await this.routed(thread.id, () => this.deps.router.route(thread.id, { skill: thread.skill, excludeAgentId: agentId }));
    const text = `Unassigned: ${next ? 'another agent has it now.' : 'nobody else is free now, so it waits in the queue.'}${this.savedText(queued.jobs)}`;
    return this.retired(agentId, interaction, queued.cardMessageId, text);
  }

  /** Nobody's until the end user writes again (then it is routed anew). */
  async dismiss(agentId: string, interactionId: string): Promise<CustomerCardView> {
    const { interaction, thread } = await this.ownedOpenThread(agentId, interactionId);
    const queued = await this.letGo(agentId, interaction, thread, { trigger: 'dismiss', assignment: 'dismissed', skill: thread.skill, step: { step: 'ended', agentId } });
    await this.drainQueue();
    return this.retired(agentId, interaction, queued.cardMessageId, `Dismissed: it comes back when the customer writes again.${this.savedText(queued.jobs)}`);
  }

  /** The caller's digital interaction and its thread; a voice one is refused as the digital verbs do not apply. */
  private async ownedThread(agentId: string, interactionId: string): Promise<{ interaction: Interaction; thread: Thread }> {
    const { interaction } = await this.ownership.owned(agentId, interactionId);
    const thread = await this.deps.unit.repos.threadOutcomes.threadOf(interaction.id);
    if (!thread && interaction.state === 'completed') throw stale('This interaction is completed; its card is read-only and nothing was changed.');
    if (!thread) throw conflict('This is a call, not a conversation: status, transfer, unassign and dismiss are for chats and messages.');
    return { interaction, thread };
  }

  private async ownedOpenThread(agentId: string, interactionId: string): Promise<{ interaction: Interaction; thread: Thread }> {
    const owned = await this.ownedThread(agentId, interactionId);
    if (owned.interaction.state === 'completed' || owned.thread.status === 'Closed') throw stale('This conversation is Closed; its card is read-only and nothing was changed.');
    return owned;
  }

  /**
   * Takes the thread from the agent and fires the trigger, in one transaction with its step in the contact log
   * (ended; transferred, to the agent chosen or null for a skill); the jobs queued and the card message it had.
   */
  private async letGo(
    agentId: string,
    interaction: Interaction,
    thread: Thread,
    how: { trigger: Exclude<DigitalTrigger, 'closed'>; assignment: 'queued' | 'dismissed'; skill: string | null; step: { step: 'ended' | 'transferred'; agentId: string | null } },
  ): Promise<{ jobs: number; cardMessageId: string | null }> {
    const now = this.clock();
    const agent = await this.deps.unit.repos.agents.find(agentId);
    const result = await this.deps.unit.run(async (repos) => {
      const released = await repos.threadOutcomes.release({ threadId: thread.id, interactionId: interaction.id, agentId, assignment: how.assignment, skill: how.skill });
      if (!released) throw stale(CHANGED_MEANWHILE);
      const at = now.toISOString();
      await repos.wfmLog.appendContact(threadStep(interaction, how.step.step, { agentId: how.step.agentId, skill: how.skill, at }), at);
      const jobs = await fireDigitalTrigger(repos, {
        thread,
        interaction,
        trigger: how.trigger,
        agent: { id: agentId, name: agent?.name ?? agentId },
        configuration: this.deps.engine.configuration(interaction.configurationId),
        now,
      });
      return { jobs, cardMessageId: released.cardMessageId };
    });
    this.afterTrigger(result.jobs, interaction.id, how.trigger);
    return result;
  }

  /** After the thread left the agent (committed): where it goes. A routing failure leaves it queued, and says so. */
  private async routeTransfer(threadId: string, fromAgentId: string, target: TransferTarget): Promise<string> {
    if ('agentId' in target) {
      const assigned = await this.routed(threadId, () => this.deps.router.assignTo(threadId, target.agentId).then(() => true));
      return assigned ? 'Transferred to the agent you chose.' : 'That agent cannot take it now, so it waits in the queue.';
    }
    const next = await this.routed(threadId, () => this.deps.router.route(threadId, { skill: target.skill, excludeAgentId: fromAgentId }));
    return next ? `Transferred to ${target.skill}: an agent has it now.` : `Transferred to ${target.skill}: nobody with it is free now, so it waits in the queue.`;
  }

  private async routed<T>(threadId: string, route: () => Promise<T>): Promise<T | null> {
    try {
      return await route();
    } catch (error) {
      this.deps.logger.warn({ err: error, threadId }, 'routing a conversation let go failed: it waits in the queue');
      return null;
    }
  }

  private afterTrigger(queued: number, interactionId: string, trigger: DigitalTrigger | undefined): void {
    if (queued > 0) this.deps.onJobsQueued();
    if (trigger) this.deps.logger.info({ interactionId, trigger, queued }, 'digital trigger');
  }

  private savedText(queued: number): string {
    return queued > 0 ? ' The activity and data go to the linked records (see "Saved to the CRM").' : '';
  }

  /**
   * The card as the agent who let the thread go now sees it: read-only, with what happened. Their card message
   * gets it as its last update (the next agent's card is a new message).
   */
  private async retired(agentId: string, interaction: Interaction, cardMessageId: string | null, text: string): Promise<CustomerCardView> {
    const notice: Notice = { kind: 'info', text };
    const view = await this.deps.cards.currentView(interaction.id, notice);
    if (cardMessageId) this.deps.events.cardChanged(interaction.id, agentId, view, { retiredMessageId: cardMessageId });
    return view;
  }

  /** The agent has room for another conversation now: queued ones may come to them (best effort). */
  private async drainQueue(): Promise<void> {
    await this.deps.router.drainQueue().catch((error: unknown) => this.deps.logger.warn({ err: error }, 'routing the queue after a conversation ended failed'));
  }
}
