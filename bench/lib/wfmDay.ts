import type { AgentStateName } from '../../src/domain/agentState.js';
import type { Channel } from '../../src/domain/interaction.js';
import type { ContactLogEntry, StateLogEntry } from '../../src/domain/wfm.js';
import type { ContactFacts } from '../../src/wfm/contactFacts.js';

/**
 * A simulated contact-center day for the workforce bench (issue 15): `agents` agents each changing state every
 * 10 s, `contactsPerSecond` contacts offered every second, each offered → answered → ended → ACW completed
 * (4 steps; 1 in 20 abandoned instead: offered → abandoned). Deterministic: second `s` is drawn from a
 * generator seeded by (seed, s), so the append phase and the bulk fill see the very same day.
 */
export interface WfmDay {
  dayStart: number;
  agents: number;
  contactsPerSecond: number;
  seed: number;
}

export const SKILLS = ['Billing', 'Sales', 'Support', 'Tech', 'Retention'];
const CHANNELS: Channel[] = ['voice', 'voice', 'voice', 'voice', 'voice', 'voice', 'chat', 'chat', 'sms', 'web'];
/** Weights: on a contact half the time, ACW a fifth, Available a quarter, the rest on a break or lunch. */
export const STATES: Array<[AgentStateName, string | null]> = [
  ...Array<[AgentStateName, null]>(10).fill(['Working', null]),
  ...Array<[AgentStateName, null]>(4).fill(['ACW', null]),
  ...Array<[AgentStateName, null]>(5).fill(['Available', null]),
  ['Unavailable', 'Break'],
];

export const agentId = (i: number) => `bench-agent-${String(i).padStart(4, '0')}`;

function generator(seed: number, second: number) {
  let a = (Math.imul(seed, 0x9e3779b1) ^ Math.imul(second + 1, 0x85ebca6b)) | 0;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

/** The state changes of simulated second `s` (the agents whose turn it is: one in ten each second), as `visit(agent, at, state index in STATES)`. */
export function drawStates(day: WfmDay, s: number, visit: (agent: number, at: number, state: number) => void): void {
  const r = generator(day.seed, s);
  for (let i = s % 10; i < day.agents; i += 10) visit(i, day.dayStart + s * 1000 + ((i * 37) % 1000), r.int(STATES.length));
}

/** The same state changes as the ACD sends them (the append phase). */
export function statesAt(day: WfmDay, s: number): StateLogEntry[] {
  const entries: StateLogEntry[] = [];
  drawStates(day, s, (i, at, index) => {
    const [state, reasonCode] = STATES[index]!;
    entries.push({
      agentId: agentId(i),
      state,
      reasonCode,
      startedAt: new Date(at).toISOString(),
      interactionId: state === 'Working' || state === 'ACW' ? `bench-contact-${s}-${i}` : null,
      source: 'acd',
      eventKey: `acd:bench:state-${s}-${i}`,
    });
  });
  return entries;
}

/** One contact as drawn: its times (ms), null for the steps it does not have. */
export interface DrawnContact {
  contactKey: string;
  skill: string;
  channel: Channel;
  agentId: string;
  offered: number;
  answered: number | null;
  ended: number | null;
  acwCompleted: number | null;
  abandoned: number | null;
}

/** The contacts offered in simulated second `s` (their later steps may reach into later seconds). */
export function contactsAt(day: WfmDay, s: number): DrawnContact[] {
  const r = generator(day.seed, s + 1_000_000);
  const contacts: DrawnContact[] = [];
  for (let c = 0; c < day.contactsPerSecond; c++) {
    const offered = day.dayStart + s * 1000 + r.int(1000);
    const contactKey = `acd:bench:${s}-${c}`;
    const skill = SKILLS[r.int(SKILLS.length)]!;
    const channel = CHANNELS[r.int(CHANNELS.length)]!;
    const agent = agentId(r.int(day.agents));
    if (r.int(20) === 0) {
      contacts.push({ contactKey, skill, channel, agentId: agent, offered, answered: null, ended: null, acwCompleted: null, abandoned: offered + 5000 + r.int(60_000) });
      continue;
    }
    const answered = offered + r.int(45_000);
    const ended = answered + 60_000 + r.int(300_000);
    contacts.push({ contactKey, skill, channel, agentId: agent, offered, answered, ended, acwCompleted: ended + 10_000 + r.int(90_000), abandoned: null });
  }
  return contacts;
}

/** The contact's steps as the ACD sends them (the append phase). */
export function stepsOf(contact: DrawnContact): ContactLogEntry[] {
  const steps: ContactLogEntry[] = [];
  const add = (step: ContactLogEntry['step'], at: number | null) => {
    if (at === null) return;
    steps.push({
      contactKey: contact.contactKey,
      step,
      at: new Date(at).toISOString(),
      agentId: step === 'offered' || step === 'abandoned' ? null : contact.agentId,
      skill: contact.skill,
      channel: contact.channel,
      source: 'acd',
      eventKey: `${contact.contactKey}-${step}`,
    });
  };
  add('offered', contact.offered);
  add('answered', contact.answered);
  add('ended', contact.ended);
  add('acwCompleted', contact.acwCompleted);
  add('abandoned', contact.abandoned);
  return steps;
}

/**
 * The contact's facts from the steps before `before` (all by default), as folding its steps through factsWith
 * would make them (each step once, so the first time is the only time); null when no step is before it.
 */
export function factsBefore(contact: DrawnContact, before = Infinity): ContactFacts | null {
  if (before === Infinity) {
    const { skill, channel, offered, answered, agentId, ended, acwCompleted, abandoned } = contact;
    return { skill, channel, offeredAt: offered, answeredAt: answered, answeredBy: answered === null ? null : agentId, endedAt: ended, acwCompletedAt: acwCompleted, abandonedAt: abandoned };
  }
  const known = (at: number | null) => (at !== null && at < before ? at : null);
  if (contact.offered >= before && [contact.answered, contact.ended, contact.acwCompleted, contact.abandoned].every((at) => known(at) === null)) return null;
  const answeredAt = known(contact.answered);
  return {
    skill: contact.skill,
    channel: contact.channel,
    offeredAt: known(contact.offered),
    answeredAt,
    answeredBy: answeredAt === null ? null : contact.agentId,
    endedAt: known(contact.ended),
    acwCompletedAt: known(contact.acwCompleted),
    abandonedAt: known(contact.abandoned),
  };
}
