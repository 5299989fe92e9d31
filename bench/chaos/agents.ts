import { VERBS } from '../../src/cards/verbs.js';
import { cardOf, executeActions, interactionIdOf, TeamsAgent } from '../lib/teams.js';
import type { Fleet } from './fleet.js';

/** A step that got no answer in this long failed (a killed process answers with a reset at once). */
const STEP_TIMEOUT_MS = 20_000;
/** Records a card may offer to link, at most (the contact's open cases and earlier ones). */
const MAX_LINKS = 8;

async function within<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One agent of a lane, speaking to whichever bot process the fleet gives the lane at each step (the
 * state is in the shared database, as behind a load balancer). Every step checks its answer and throws
 * when it is not the expected one: the lane then gives the agent up, since what the step did is unknown.
 */
export class LaneAgent {
  private available = false;

  constructor(
    private readonly fleet: Fleet,
    private readonly lane: number,
    readonly name: string,
  ) {}

  private async teams(): Promise<TeamsAgent> {
    return new TeamsAgent(await this.fleet.clientFor(this.lane), this.name);
  }

  async say(text: string, expect: RegExp): Promise<Record<string, unknown> | undefined> {
    const turn = await within(text.split(' ')[0]!, (await this.teams()).say(text));
    const reply = turn.replies[0]?.activity;
    const shown = `${String(reply?.text ?? '')} ${JSON.stringify(cardOf(turn.replies[0]) ?? '')}`;
    if (turn.status !== 200 || !expect.test(shown)) throw new Error(`"${text.split(' ')[0]}": HTTP ${turn.status}, ${shown.slice(0, 160)}`);
    return cardOf(turn.replies[0]);
  }

  async invoke(verb: string, data: Record<string, unknown>, expect?: RegExp): Promise<Record<string, unknown>> {
    const answer = await within(verb, (await this.teams()).invoke(verb, data));
    const text = JSON.stringify(answer.card ?? '');
    if (answer.status !== 200 || !answer.card || (expect && !expect.test(text))) throw new Error(`${verb}: HTTP ${answer.status}, ${text.slice(0, 160)}`);
    return answer.card;
  }

  /**
   * One whole call: Available (once), the call from `phone` (its single match is linked at once), every
   * other record the card offers linked, hang up, Complete ACW (`beforeComplete` is told as it is sent).
   * Returns the interaction.
   */
  async call(phone: string, disposition: string, notes: string, beforeComplete?: (interactionId: string) => void): Promise<string> {
    if (!this.available) {
      await this.say('available', /You are Available/);
      this.available = true;
    }
    const posted = await this.say(`call ${phone}`, /interactionId/);
    const interactionId = interactionIdOf(posted);
    if (!interactionId) throw new Error('call: the card names no interaction');
    // What Teams asks for when it shows the card to its owner: their own view, with the actions.
    let card = await this.invoke(VERBS.refresh, { interactionId });
    for (let i = 0; i < MAX_LINKS; i++) {
      const link = executeActions(card).find((a) => a.verb === VERBS.link);
      if (!link) break;
      card = await this.invoke(link.verb, link.data, /Linked /);
    }
    await this.say('hangup', /The call ended/);
    beforeComplete?.(interactionId);
    await this.invoke(VERBS.completeAcw, { interactionId, disposition, notes }, /After Call Work complete/);
    return interactionId;
  }

  /** Opens a call and leaves it open: for an agent who edits a record on its card. */
  async openCall(phone: string): Promise<string> {
    if (!this.available) {
      await this.say('available', /You are Available/);
      this.available = true;
    }
    const interactionId = interactionIdOf(await this.say(`call ${phone}`, /interactionId/));
    if (!interactionId) throw new Error('call: the card names no interaction');
    return interactionId;
  }
}
