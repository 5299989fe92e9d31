import type { Logger } from 'pino';
import type { AcdEvent, CONTACT_EVENT_TYPES } from '../acd/eventSchema.js';
import type { AgentService } from '../agents/agentService.js';
import { stateEntry } from '../agents/stateLogEntries.js';
import type { CustomerCardView } from '../domain/customerCard.js';
import type { Interaction } from '../domain/interaction.js';
import type { AcdContactRow } from '../store/acdRepository.js';
import type { UnitOfWork } from '../store/unitOfWork.js';
import type { InteractionEvents } from './interactionEvents.js';
import type { InteractionServices } from './interactionServices.js';
import { AgentNotAvailable } from './agentNotAvailable.js';
import type { CallMove } from './callRecording.js';

/** Posts a contact's Customer Card to the agent outside any turn of theirs (src/teams/proactiveCards.ts). */
export interface CardPoster {
  /** Queues the card's post into the agent's chat and returns at once: the caller never waits on Teams. */
  post(agentId: string, view: CustomerCardView): void;
}

/** An event of the contact just received from its ACD (recorded, not a retry): the state changes it drives are logged at its time, with its key. */
export interface ContactEventSaid {
  type: (typeof CONTACT_EVENT_TYPES)[number];
  at: string;
  /** "<source>:<event id>" */
  key: string;
}

/** How far a contact has gone, in the order an ACD moves it; abandoned ends it from any point. */
export const PHASE_RANK: Record<string, number> = { offered: 1, answered: 2, ended: 3, acwCompleted: 4, abandoned: 4 };

export interface ConvergeOptions {
  /** Post the card proactively when the contact's interaction is created (the simulator's turn posts it itself). */
  postCard: boolean;
  /** Refuse rather than wait: an agent who is not Available gets the service's conflict error (the simulator). */
  strict: boolean;
}

/**
 * Brings the interactions of one ACD contact to what the contact's latest truth (acd_contacts) says, from
 * wherever they are: creates the interaction (the call routed, the data dip run, the card posted), ends the
 * call (ACW), completes ACW, ends it without CRM writes (abandoned, or transferred away). Every step only
 * moves forward and checks where it starts, so running it again (a retried event, a restart midway) does
 * only what is left: the contact is never left half-applied.
 */
export class ContactConvergence {
  constructor(
    private readonly deps: {
      unit: UnitOfWork;
      calls: Pick<InteractionServices['calls'], 'offerCall' | 'prefetchDip' | 'takeDip' | 'putBackDip' | 'hangup' | 'completeAcw' | 'endAndCompleteAcw'>;
      agents: AgentService;
      events: InteractionEvents;
      poster: CardPoster;
      dispositions: readonly string[];
      logger: Logger;
      clock: () => Date;
    },
  ) {}

  /**
   * Before a request's events wait their turn: the data dip of each contact offered starts now, so the CRM's
   * answer does not hold up the queue (the offer takes it when converged; unused, it is dropped).
   */
  prepare(events: readonly AcdEvent[]): void {
    for (const event of events) if (event.type === 'contact.offered' && event.contact.ani) this.deps.calls.prefetchDip(event.contact.id, event.contact.ani);
  }

  /**
   * Converges one contact to its row as just merged (AcdDispatcher) or read; returns the card of an
   * interaction it created, as it stands after this step (the simulator's turn shows it).
   * `noInteractionYet`: the caller knows none handles this contact yet (its row was just created), so
   * they are not looked for. `events`: the contact's events just received, whose times and keys the state
   * changes they drive are logged with (none: a contact converged later, by the app).
   */
  async converge(
    contact: AcdContactRow,
    options: ConvergeOptions,
    { noInteractionYet = false, events = [] }: { noInteractionYet?: boolean; events?: readonly ContactEventSaid[] } = {},
  ): Promise<CustomerCardView | undefined> {
    const handled = noInteractionYet ? [] : await this.deps.unit.repos.acd.interactionsOfContact(contact.contact_id);
    const moveBy = (types: ReadonlyArray<ContactEventSaid['type']>, keyed = true) => moveOf(contact, events, types, keyed);
    // Transferred away: the earlier agent's part ends (nothing written to the CRM: the new agent's ACW does).
    // The transfer's key goes with the new agent's entry: one entry per key.
    for (const other of handled.filter((i) => i.agentId !== contact.agent_id && i.state !== 'completed')) {
      await this.endWithoutWrites(other.id, other.agentId, 'The contact center transferred this contact to another agent.', moveBy(['contact.transferred'], false));
    }
    let current = handled.find((i) => i.agentId === contact.agent_id);
    if (contact.phase === 'abandoned') {
      if (current && current.state !== 'completed') {
        await this.endWithoutWrites(current.id, current.agentId, 'The caller hung up before the contact was handled. Nothing was written to the CRM.', moveBy(['contact.abandoned']));
      }
      await this.afterContact(contact);
      return undefined;
    }

    let created: CustomerCardView | undefined;
    if (!current) {
      created = await this.offer(contact, options, moveBy(['contact.offered', 'contact.transferred']));
      if (!created) return undefined;
      // Offered already answered (or further) comes in active: no ringing card drawn only to be replaced.
      current = created.interaction;
    }
    let answeredUnshown = false;
    // Each step is given the interaction as the step before left it: none reads it again. The agent's row, for
    // the card (their name, their time zone), comes back from each step's move of their state.
    let open: Interaction = current;
    try {
      // Answered (or gone further, whichever event came first): the ringing card becomes the active one, in place.
      if (PHASE_RANK[contact.phase]! >= PHASE_RANK.answered! && open.state === 'offered') {
        await this.deps.unit.repos.interactions.update(open.id, 'offered', { state: 'active' });
        open = { ...open, state: 'active' };
        answeredUnshown = true;
      }
      if (contact.phase === 'acwCompleted' && open.state === 'active') {
        // Ended and completed at once: one transaction, one card.
        const moves = { ended: moveBy(['contact.ended']), completed: moveBy(['contact.acwCompleted']) };
        open = (await this.deps.calls.endAndCompleteAcw(contact.agent_id, this.acwInput(contact), moves, open)).interaction;
        answeredUnshown = false; // the completed card, drawn and told of, shows it all
      }
      if (PHASE_RANK[contact.phase]! >= PHASE_RANK.ended! && open.state === 'active') {
        open = (await this.deps.calls.hangup(contact.agent_id, moveBy(['contact.ended']), open)).interaction;
        answeredUnshown = false; // the ended call's card, drawn and told of, shows it picked up too
      }
      if (contact.phase === 'acwCompleted' && open.state === 'acw') {
        open = (await this.deps.calls.completeAcw(contact.agent_id, open.id, this.acwInput(contact), moveBy(['contact.acwCompleted']), open)).interaction;
      }
    } finally {
      // The agent picked up and the call goes no further now: its card message is drawn afresh in place (the
      // CardPublisher), keeping the data dip's notice. The agent was Working on it since it rang.
      if (answeredUnshown) this.deps.events.cardChanged(open.id, open.agentId);
    }
    if (open.state === 'completed') await this.afterContact(contact);
    return created;
  }

  /**
   * Routes the contact to its agent: the call is offered, the data dip runs, the card goes to the agent. The
   * agent is not read first: the offer's own transaction finds whether they are Available, and says how they
   * stand when they are not.
   */
  private async offer(contact: AcdContactRow, options: ConvergeOptions, move: CallMove): Promise<CustomerCardView | undefined> {
    const { calls, agents, logger, unit } = this.deps;
    const ani = contact.ani;
    if (!ani) return undefined; // an event that came before its offer: the offer brings the number
    // It rings until the contact is answered (converge answers it next when that comes); answered already, it is active at once.
    const ringing = PHASE_RANK[contact.phase]! < PHASE_RANK.answered!;
    // One read of the CRM, whether the call is offered once or twice.
    const dip = calls.takeDip(contact.contact_id, ani);
    const offerCall = () => calls.offerCall(contact.agent_id, ani, { ringing, acdContactId: contact.contact_id, dip, move });
    let view: CustomerCardView;
    try {
      view = await offerCall();
    } catch (error) {
      if (options.strict) {
        // Refused outright: the contact must not wait and reach the agent later.
        await unit.repos.acd.putContact({ ...contact, phase: 'abandoned', phase_at: contact.agent_at });
        throw error;
      }
      if (!(error instanceof AgentNotAvailable)) throw error;
      const agent = error.agent;
      if (!agent) return undefined;
      if (agent.state === 'Working' || agent.state === 'ACW') {
        logger.info({ contactId: contact.contact_id, agentId: agent.id }, 'ACD contact waits: its agent is still on another contact');
        // Offered again when they are free: on this read of the CRM, if that comes soon.
        if (dip) calls.putBackDip(contact.contact_id, ani, dip);
        return undefined;
      }
      // The ACD routed it to them: it knows they are taking contacts, whatever we last heard.
      await agents.applyAcdState(agent.id, 'Available', null, move.at ?? this.deps.clock().toISOString());
      view = await offerCall();
    }
    if (options.postCard) this.deps.poster.post(contact.agent_id, view);
    return view;
  }

  /** ACW completed by the ACD: its disposition if it is one of ours, else the first configured one, said in the notes. */
  private acwInput(contact: AcdContactRow): { disposition: string; notes: string } {
    const named = contact.disposition && this.deps.dispositions.find((d) => d.toLowerCase() === contact.disposition!.toLowerCase());
    const note = named ? '' : 'After Call Work completed by the contact center' + (contact.disposition ? ` (its disposition: ${contact.disposition.slice(0, 100)}).` : ' (no disposition given).');
    return { disposition: named || this.deps.dispositions[0]!, notes: [contact.notes?.trim(), note].filter(Boolean).join('\n') };
  }

  /** Ends an open interaction with no CRM writes: the agent is Available again and the card says why. */
  private async endWithoutWrites(interactionId: string, agentId: string, text: string, move: CallMove): Promise<void> {
    const now = this.deps.clock().toISOString();
    const interaction = await this.deps.unit.repos.interactions.find(interactionId);
    if (!interaction || interaction.state === 'completed') return;
    await this.deps.unit.run(async (repos) => {
      const moved = await repos.interactions.update(interactionId, interaction.state, { state: 'completed', completedAt: now, ...(interaction.endedAt ? {} : { endedAt: now }) });
      if (!moved) return;
      await repos.interactions.setLastNotice(interactionId, { kind: 'info', text });
      const agent = await repos.agents.find(agentId);
      if (agent && agent.currentInteractionId === interactionId) {
        if (await repos.agents.moveState(agentId, agent.state, { state: 'Available', reasonCode: null, since: now, currentInteractionId: null })) {
          await repos.wfmLog.appendState(stateEntry(agentId, { state: 'Available', reasonCode: null, interactionId: null }, move, now), now);
        }
      }
    });
    this.deps.events.cardChanged(interactionId, agentId);
  }

  /**
   * The agent's contact is done: a state the ACD set meanwhile (held while they were busy) applies now if it
   * came after this contact's last event, and a contact waiting for them is routed.
   */
  private async afterContact(contact: AcdContactRow): Promise<void> {
    const agentId = contact.agent_id;
    const { repos } = this.deps.unit;
    const said = await repos.acd.findAgentState(agentId);
    if (said && said.at > contact.phase_at) await this.deps.agents.applyAcdState(agentId, said.state as 'Available' | 'Unavailable', said.reason_code, said.at);
    for (const waiting of await repos.acd.waitingContactsOf(agentId)) {
      if (waiting.contact_id === contact.contact_id) continue;
      try {
        // Read again: routing an earlier one of them may have gone on to route this one (its afterContact).
        const contact = await repos.acd.findContact(waiting.contact_id);
        if (contact) await this.converge(contact, { postCard: true, strict: false });
      } catch (error) {
        this.deps.logger.warn({ err: error, contactId: waiting.contact_id }, 'a waiting ACD contact could not be routed');
      }
      const agent = await repos.agents.find(agentId);
      if (agent?.state === 'Working' || agent?.state === 'ACW') return;
    }
  }
}

/**
 * How a step of the contact is logged: at the time, and with the key, of the latest of its events of `types`
 * just received; else at the time of the latest event received (it drove this step too: an acwCompleted with
 * no ended ends the call first); with none, it is the app's doing, now (a waiting contact routed once its agent
 * is free). The ACD dispatcher logs the contact's own steps; the simulator's are logged as its calls'.
 */
function moveOf(contact: AcdContactRow, events: readonly ContactEventSaid[], types: ReadonlyArray<ContactEventSaid['type']>, keyed: boolean): CallMove {
  const simulator = contact.source === 'simulator';
  const latest = (list: readonly ContactEventSaid[]) => list.reduce<ContactEventSaid | undefined>((a, b) => (!a || b.at > a.at ? b : a), undefined);
  const exact = latest(events.filter((e) => types.includes(e.type)));
  const driver = exact ?? latest(events);
  const moveContact = simulator ? ({ kind: 'own' } as const) : ({ kind: 'loggedByAcd' } as const);
  if (!driver) return { source: simulator ? 'simulator' : 'app', contact: moveContact };
  return { source: simulator ? 'simulator' : 'acd', at: driver.at, eventKey: exact && keyed ? exact.key : null, contact: moveContact };
}
