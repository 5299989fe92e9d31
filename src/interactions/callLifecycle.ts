import { randomUUID } from 'node:crypto';
import type { CustomerCardView, Notice } from '../domain/customerCard.js';
import { AppError, conflict, invalidInput, notFound, stale } from '../domain/errors.js';
import { describeState, newInteraction, type Interaction, type InteractionRecordLink } from '../domain/interaction.js';
import { displayPhone, toE164 } from '../domain/phone.js';
import type { Agent } from '../domain/agentState.js';
import type { Customer } from '../domain/customer.js';
import { stateEntry } from '../agents/stateLogEntries.js';
import { acwJobsFor } from './acwJobs.js';
import { AgentNotAvailable } from './agentNotAvailable.js';
import { agentMoveOf, APP_MOVE, logCallStep, logCallSteps, type CallMove } from './callRecording.js';
import { drawCard } from './cardDrawing.js';
import { CallDipPrefetch, prepareCallDip, type PreparedCallDip } from './callDip.js';
import { withHistory } from './recordHistory.js';
import { isSomeone } from './customerView.js';
import type { ServiceContext } from './serviceContext.js';
import type { Repositories } from '../store/unitOfWork.js';
import type { CrmConfiguration } from '../workflows/configuration.js';

const MAX_NOTES = 4000;

/**
 * A call's life on the card: it is routed to an Available agent and the data dip runs, it ends (After Call
 * Work), and ACW completes, queueing timeline and memorialization. Each state move of the interaction and
 * its agent is one transaction, with its entries in the workforce logs (the agent's state, the contact's
 * step; a `CallMove` says who moved it, when, and whose contact it is); an interaction id from a caller goes
 * through Ownership first.
 */
export class CallLifecycle {
  private readonly dips: CallDipPrefetch;

  constructor(private readonly context: ServiceContext) {
    this.dips = new CallDipPrefetch(context);
  }

  /** Resolves once the data dips started ahead have finished reading the CRM (a stop waits for them). */
  dipsSettled(): Promise<void> {
    return this.dips.settled();
  }

  /** Starts the data dip of an ACD's contact about to be offered (waiting its turn): offerCall then takes it. */
  prefetchDip(acdContactId: string, rawNumber: string): void {
    const to = this.dipTarget(rawNumber);
    if (to) this.dips.start(to.configurationId, acdContactId, to.ani);
  }

  /**
   * The data dip of an ACD's contact, as started ahead (prefetchDip) or started now: for a router that may
   * offer the call twice (once its agent is made Available) on one read of the CRM. Undefined when the number
   * does not route or no CRM is configured (offerCall says which).
   */
  takeDip(acdContactId: string, rawNumber: string): Promise<PreparedCallDip> | undefined {
    const to = this.dipTarget(rawNumber);
    return to && (this.dips.take(to.configurationId, acdContactId, to.ani) ?? prepareCallDip(this.context, to.configurationId, to.ani));
  }

  /** Gives back a dip from takeDip whose offer did not go through (the agent busy): their next offer of the contact takes it. */
  putBackDip(acdContactId: string, rawNumber: string, dip: Promise<PreparedCallDip>): void {
    const to = this.dipTarget(rawNumber);
    if (to) this.dips.putBack(to.configurationId, acdContactId, to.ani, dip);
  }

  /** Where an ACD contact's dip searches: the default configuration, for the caller's number; none when either is missing. */
  private dipTarget(rawNumber: string): { configurationId: string; ani: string } | undefined {
    const ani = toE164(rawNumber, this.context.defaultRegion);
    const configurationId = this.context.engine.defaultConfigurationId;
    return ani && configurationId ? { configurationId, ani } : undefined;
  }

  /**
   * Routes an inbound voice call from `rawNumber` to the agent and runs the default interaction script.
   * `ringing`: the call rings (offered) until the ACD says it is answered (ContactConvergence), so the card
   * shows who is calling before the agent picks up; they are Working on it from the moment it rings (it is
   * theirs, reserved). Otherwise it is answered at once. `acdContactId`: the ACD contact it handles;
   * `dip`: its data dip as taken by the caller (takeDip); `move`: who routed it (the app itself when absent).
   * An agent not Available is an AgentNotAvailable, with the agent as read.
   */
  async offerCall(agentId: string, rawNumber: string, options: { ringing?: boolean; acdContactId?: string; dip?: Promise<PreparedCallDip>; move?: CallMove } = {}): Promise<CustomerCardView> {
    const { engine, unit } = this.context;
    const ani = toE164(rawNumber, this.context.defaultRegion);
    if (!ani) {
      throw invalidInput(`"${rawNumber}" is not a phone number I can route. Try +12065550142 or (206) 555-0142.`);
    }
    const configurationId = engine.defaultConfigurationId;
    if (!configurationId) throw new AppError('config', 'No CRM is configured, so there is no Customer Card to show. Ask your admin.');
    const now = this.context.clock().toISOString();
    const interaction = newInteraction({
      id: randomUUID(),
      agentId,
      channel: 'voice',
      ani,
      state: options.ringing ? 'offered' : 'active',
      configurationId,
      startedAt: now,
    });
    // The data dip and what a linked record brings from the CRM come first, outside any transaction: the
    // call is then routed and written, with its customer, card outcome and records, in one.
    const started = options.dip ?? (options.acdContactId ? this.dips.take(configurationId, options.acdContactId, ani) : undefined);
    const dip = (await (started ?? prepareCallDip(this.context, configurationId, ani)))(interaction);
    interaction.matchState = dip.matchState;
    const notice = { kind: dip.notice.kind, text: dip.notice.text };
    const someone = dip.links.filter((l) => l.linked).find(isSomeone);
    let customer: Customer & { isNew?: true; interactionCount: number } = { id: '', name: '', identifiers: [], interactionCount: 0 };
    let links: InteractionRecordLink[] = [];
    let routedAgent: Agent | undefined;
    await unit.run(async (repos) => {
      // A card per new contact and per new channel: the caller's number names their customer (SPEC), or the person linked.
      customer = await repos.customers.customerFor({ kind: 'phone', value: ani }, someone?.label ?? displayPhone(ani), now);
      interaction.customerId = customer.id;
      const routed = await repos.agents.moveState(agentId, 'Available', {
        state: 'Working',
        reasonCode: null,
        since: now,
        currentInteractionId: interaction.id,
      });
      if (!routed) throw new AgentNotAvailable(await repos.agents.find(agentId));
      routedAgent = routed;
      await repos.interactions.insert(interaction, { acdContactId: options.acdContactId, lastNotice: notice });
      // The contact waits for its agent no more (acdRepository.waitingContactsOf).
      if (options.acdContactId) await repos.acd.markPlaced(options.acdContactId);
      const move = options.move ?? APP_MOVE;
      await repos.wfmLog.appendState(stateEntry(agentId, { state: 'Working', reasonCode: null, interactionId: interaction.id }, move, now), now);
      const call = { interactionId: interaction.id, agentId };
      // Picked up as it rings (the simulator, a call with no ACD): offered and answered at one instant.
      await logCallSteps(repos, call, options.ringing ? ['offered'] : ['offered', 'answered'], move, now);
      links = await withHistory(repos, interaction, dip.links.map(asStored), customer.isNew === true);
      await repos.interactions.putFirstLinks(links);
      if (someone && customer.name === displayPhone(ani)) {
        await repos.customers.rename(customer.id, someone.label);
        customer = { ...customer, name: someone.label };
      }
    });
    // Drawn from what this call holds: nothing is read back.
    // The customer's interactions as read before this one was added, and this one.
    const held = { agent: routedAgent, links, customer, interactionCount: customer.interactionCount + 1 };
    return this.context.changes.created(interaction, () => drawCard(this.context, interaction, { notice, now: this.context.clock(), held }));
  }

  /**
   * The call ends: the interaction enters After Call Work and the card shows the ACW form, drawn with the agent
   * as their state moved. `move`: the ACD's, else the agent's own; `known`: the agent's call as the caller just
   * read it (not read again: its move is still conditional on its state).
   */
  async hangup(agentId: string, move?: CallMove, known?: Interaction): Promise<CustomerCardView> {
    const open = await this.activeCall(agentId, known);
    const how = move ?? (await agentMoveOf(this.context.repos, open.id));
    const now = this.context.clock().toISOString();
    const ended = await this.context.unit.run((repos) => this.endIn(repos, open, how, now));
    return this.context.changes.done(open, ENDED_NOTICE, { interaction: ended.interaction, agent: ended.agent, noticeKept: true });
  }

  /**
   * Completes After Call Work. The state change and the timeline/memorialization jobs commit together, so
   * the CRM writes are never lost; a second click finds the interaction completed and changes nothing.
   * `move`: the ACD's, else the agent's own; `known`: the interaction as the caller just read it (not read
   * again; the move is still conditional on its state).
   */
  async completeAcw(agentId: string, interactionId: string, input: { disposition: string; notes: string }, move?: CallMove, known?: Interaction): Promise<CustomerCardView> {
    const interaction = known?.id === interactionId && known.agentId === agentId ? known : (await this.context.ownership.owned(agentId, interactionId)).interaction;
    if (interaction.state === 'completed') throw stale('After Call Work is already complete for this interaction; nothing was sent twice.');
    if (interaction.state === 'offered') throw conflict('The call is still ringing: there is no After Call Work until it is answered and ended.');
    if (interaction.state !== 'acw') throw conflict('The call is still in progress. Type "hangup" to end it first.');
    const completion = this.completionOf(interaction, input);
    const how = move ?? (await agentMoveOf(this.context.repos, interactionId));
    const done = await this.context.unit.run((repos) => this.completeIn(repos, completion, how));
    return this.completed(interaction, done);
  }

  /**
   * The ACD says at once that the call ended and its After Call Work is complete: both moves in one
   * transaction (all or nothing, as each alone is), and the card drawn once, completed. The ended card is
   * never shown: it would be replaced at once.
   */
  async endAndCompleteAcw(agentId: string, input: { disposition: string; notes: string }, moves: { ended: CallMove; completed: CallMove }, known?: Interaction): Promise<CustomerCardView> {
    const open = await this.activeCall(agentId, known);
    const endedAt = this.context.clock().toISOString();
    const completion = this.completionOf({ ...open, state: 'acw', endedAt }, input);
    const done = await this.context.unit.run(async (repos) => {
      await this.endIn(repos, open, moves.ended, endedAt);
      return this.completeIn(repos, completion, moves.completed);
    });
    return this.completed(open, done);
  }

  /** The agent's call, which must be active (answered, not ended) to end; `known`, theirs as just read, is not read again. */
  private async activeCall(agentId: string, known?: Interaction): Promise<Interaction> {
    const open = known?.agentId === agentId && known.state !== 'completed' ? known : await this.context.repos.interactions.openOf(agentId);
    if (!open) throw notFound('You have no call to hang up. Type "call <number>" to simulate one.');
    if (open.state === 'offered') throw conflict('Your call is still ringing: answer it in your contact center first.');
    if (open.state !== 'active') {
      throw conflict(`Your interaction is ${describeState(open.state)}. Complete After Call Work on its card.`);
    }
    return open;
  }

  /** Ends the call in `repos`' transaction: the interaction and its agent enter ACW. Returns both as stored now (the agent if they moved). */
  private async endIn(repos: Repositories, open: Interaction, how: CallMove, now: string): Promise<{ interaction: Interaction; agent: Agent | undefined }> {
    const agentId = open.agentId;
    // The card's notice is kept with the move: one statement.
    const moved = await repos.interactions.update(open.id, 'active', { state: 'acw', endedAt: now, lastNotice: ENDED_NOTICE });
    if (!moved) throw stale('This call has already ended.');
    const agent = await repos.agents.moveState(agentId, 'Working', { state: 'ACW', reasonCode: null, since: now, currentInteractionId: open.id });
    if (agent) await repos.wfmLog.appendState(stateEntry(agentId, { state: 'ACW', reasonCode: null, interactionId: open.id }, how, now), now);
    await logCallStep(repos, { interactionId: open.id, agentId }, 'ended', how, now);
    return { interaction: { ...open, state: 'acw', endedAt: now }, agent };
  }

  /** What completing ACW of an interaction in ACW writes, checked before any write: the disposition, the notes. */
  private completionOf(interaction: Interaction, input: { disposition: string; notes: string }): Completion {
    const { dispositions, engine } = this.context;
    const disposition = dispositions.find((d) => d.toLowerCase() === input.disposition.trim().toLowerCase());
    if (!disposition) throw invalidInput(`Choose a disposition: ${dispositions.join(', ')}.`);
    if (input.notes.length > MAX_NOTES) throw invalidInput(`Notes are limited to ${MAX_NOTES} characters (these have ${input.notes.length}).`);
    return { interaction, disposition, notes: input.notes.trim() || null, configuration: engine.configuration(interaction.configurationId) };
  }

  /**
   * Completes ACW in `repos`' transaction: the interaction, its agent Available again, its jobs (which name the
   * agent as moved; read only if they did not move).
   */
  private async completeIn(repos: Repositories, { interaction, disposition, notes, configuration }: Completion, how: CallMove): Promise<CompletedAcw> {
    const { id: interactionId, agentId } = interaction;
    const now = this.context.clock();
    // The links first: the card's notice tells how many get the writes, and is kept with the move (one statement).
    const links = await repos.interactions.listLinks(interactionId);
    const notice = acwCompletedNotice(links.filter((l) => l.linked).length);
    const moved = await repos.interactions.update(interactionId, 'acw', { state: 'completed', completedAt: now.toISOString(), disposition, notes, lastNotice: notice });
    if (!moved) throw stale('After Call Work is already complete for this interaction; nothing was sent twice.');
    const done: Interaction = { ...interaction, state: 'completed', disposition, notes, completedAt: now.toISOString() };
    const available = await repos.agents.moveState(agentId, 'ACW', { state: 'Available', reasonCode: null, since: now.toISOString(), currentInteractionId: null });
    if (available) await repos.wfmLog.appendState(stateEntry(agentId, { state: 'Available', reasonCode: null, interactionId: null }, how, now.toISOString()), now.toISOString());
    const agent = available ?? (await repos.agents.find(agentId));
    const queued = configuration ? await repos.jobs.enqueue(acwJobsFor(done, { id: agentId, name: agent?.name ?? agentId }, links, configuration, now), now.toISOString()) : 0;
    await logCallStep(repos, { interactionId, agentId }, 'acwCompleted', how, now.toISOString());
    await this.context.deps.recordAcwCompleted?.(repos, done, now.toISOString());
    return { interaction: done, agent, links, notice, queued };
  }

  /** After ACW completed and committed: its jobs run now, and the card is drawn from what the step holds. */
  private completed(interaction: Interaction, { interaction: done, agent, links, notice, queued }: CompletedAcw): Promise<CustomerCardView> {
    if (queued > 0) this.context.deps.onJobsQueued();
    this.context.logger.info({ interactionId: interaction.id, agentId: interaction.agentId, queued }, 'ACW completed');
    return this.context.changes.done(interaction, notice, { interaction: done, agent, links, noticeKept: true });
  }
}

const ENDED_NOTICE: Notice = { kind: 'info', text: 'The call ended. Choose a disposition, add notes, then Complete ACW.' };

interface Completion {
  interaction: Interaction;
  disposition: string;
  notes: string | null;
  configuration: CrmConfiguration | undefined;
}

interface CompletedAcw {
  interaction: Interaction;
  agent: Agent | undefined;
  links: InteractionRecordLink[];
  notice: Notice;
  queued: number;
}

/** What the card says once After Call Work is complete, by how many linked records get its writes. */
function acwCompletedNotice(linkedCount: number): Notice {
  const text =
    linkedCount === 0
      ? 'After Call Work complete. No record was linked, so nothing was written to the CRM. You are Available.'
      : `After Call Work complete: the activity and data go to ${linkedCount} linked record${linkedCount === 1 ? '' : 's'} (see "Saved to the CRM" on this card). You are Available.`;
  return { kind: 'info', text };
}

/** A link as the store gives it back (listLinks), so the first card draws the same as every later one. */
function asStored(link: InteractionRecordLink): InteractionRecordLink {
  return { ...link, role: link.role ?? 'other', typeLabel: link.typeLabel ?? undefined, canonical: link.canonical ?? {}, display: link.display ?? {}, activities: link.activities ?? [] };
}
