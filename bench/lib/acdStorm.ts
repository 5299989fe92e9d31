import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.js';

/**
 * A duplicated and reordered event storm for the events API (issue 13), shared by the bench (many agents,
 * bench/scenarios/acdStorm.ts) and the test that CI runs (small, test/acd/storm.test.ts): each agent goes
 * Available, takes `contactsPerAgent` contacts one after the other (offered, answered, ended, ACW completed
 * by the ACD with its own disposition; every fifth one abandoned while ringing instead), and ends
 * Unavailable (Break). Every event is then sent 1–3 times, all of them shuffled together.
 */
export interface StormAgent {
  aadObjectId: string;
  /** The agent's chat with the bot, where their cards are posted. */
  conversationId: string;
}

export interface StormContact {
  id: string;
  agent: StormAgent;
  /** The disposition the ACD completed it with; null: abandoned while ringing. */
  disposition: string | null;
}

export interface Storm {
  /** Every event once, in the order they happened. */
  events: Array<Record<string, unknown>>;
  /** What is sent: each event 1–3 times, shuffled. */
  sent: Array<Record<string, unknown>>;
  contacts: StormContact[];
  agents: StormAgent[];
}

/** Among the default DISPOSITIONS (one not configured would be completed as the first configured one). */
const DISPOSITIONS = ['Resolved', 'Escalated', 'Callback requested'];

/** A deterministic generator (a linear congruential one): the same seed gives the same storm. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => (state = (state * 1103515245 + 12345) >>> 0) / 4294967296;
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export function makeStorm(options: { agents: StormAgent[]; contactsPerAgent: number; ani: (n: number) => string; seed: number; runId: string; base?: number }): Storm {
  const random = seededRandom(options.seed);
  // From now on: later than anything the agents set themselves before (their own word would otherwise stand).
  const base = options.base ?? Date.now();
  const at = (ms: number) => new Date(base + ms).toISOString();
  const events: Array<Record<string, unknown>> = [];
  const contacts: StormContact[] = [];
  let n = 0;
  const id = () => `${options.runId}-e${++n}`;
  for (const [a, agent] of options.agents.entries()) {
    const who = { aadObjectId: agent.aadObjectId };
    events.push({ id: id(), type: 'agent.state', at: at(0), agent: who, state: 'Available' });
    for (let c = 0; c < options.contactsPerAgent; c++) {
      const t = 10_000 + c * 120_000;
      const contactId = `${options.runId}-a${a}-c${c}`;
      const contact = { id: contactId };
      const abandoned = (a + c) % 5 === 4;
      const disposition = abandoned ? null : DISPOSITIONS[(a + c) % DISPOSITIONS.length]!;
      contacts.push({ id: contactId, agent, disposition });
      events.push({
        id: id(),
        type: 'contact.offered',
        at: at(t),
        agent: who,
        contact: { id: contactId, channel: 'voice', ani: options.ani(a * options.contactsPerAgent + c), dnis: '+18005550100', skill: 'Billing' },
      });
      if (abandoned) {
        events.push({ id: id(), type: 'contact.abandoned', at: at(t + 5_000), agent: who, contact });
        continue;
      }
      events.push({ id: id(), type: 'contact.answered', at: at(t + 2_000), agent: who, contact });
      events.push({ id: id(), type: 'contact.ended', at: at(t + 60_000), agent: who, contact });
      events.push({ id: id(), type: 'contact.acwCompleted', at: at(t + 90_000), agent: who, contact, disposition, notes: `Storm ${contactId}` });
    }
    events.push({ id: id(), type: 'agent.state', at: at(20_000 + options.contactsPerAgent * 120_000), agent: who, state: 'Unavailable', reasonCode: 'Break' });
  }
  const sent = shuffle(
    events.flatMap((e) => Array.from({ length: 1 + Math.floor(random() * 3) }, () => e)),
    random,
  );
  return { events, sent, contacts, agents: options.agents };
}

/** What the storm left, counted: it is right when doubledCards and lostTransitions are both 0. */
export interface StormOutcome {
  contacts: number;
  sentEvents: number;
  distinctEvents: number;
  /** Cards posted beyond one per contact brought to an agent (in all the storm's agents' chats). */
  doubledCards: number;
  /** Contacts with more than one interaction. */
  doubledInteractions: number;
  /** Contacts not where their last event puts them (completed, with the ACD's disposition), plus agents not in their last state. */
  lostTransitions: number;
  /** A few of the wrong ones, for the report. */
  examples: string[];
}

/** Reads what the storm left in the store, and the cards posted per conversation (counted by the caller's connector). */
export async function checkStorm(db: Kysely<Database>, storm: Storm, cardsIn: (conversationId: string) => number): Promise<StormOutcome> {
  const examples: string[] = [];
  const ids = storm.contacts.map((c) => c.id);
  const rows: Array<{ acd_contact_id?: string | null; state: string; disposition: string | null }> = [];
  for (let i = 0; i < ids.length; i += 500) {
    rows.push(
      ...(await db
        .selectFrom('interactions')
        .select(['acd_contact_id', 'state', 'disposition'])
        .where('acd_contact_id', 'in', ids.slice(i, i + 500))
        .execute()),
    );
  }
  const byContact = new Map<string, typeof rows>();
  for (const row of rows) byContact.set(row.acd_contact_id!, [...(byContact.get(row.acd_contact_id!) ?? []), row]);
  let lost = 0;
  let doubledInteractions = 0;
  for (const contact of storm.contacts) {
    const handled = byContact.get(contact.id) ?? [];
    if (handled.length > 1) doubledInteractions++;
    const last = handled.at(-1);
    // An abandoned contact the app heard of as abandoned before its offer is rightly never brought to the agent.
    if (!last && contact.disposition === null) continue;
    if (!last || last.state !== 'completed' || last.disposition !== contact.disposition) {
      lost++;
      if (examples.length < 5) examples.push(`${contact.id}: ${last ? `${last.state}/${last.disposition}` : 'no interaction'}, expected completed/${contact.disposition}`);
    }
  }
  let doubledCards = 0;
  for (const agent of storm.agents) {
    // One card per interaction the agent was brought (an abandoned contact may rightly have none).
    const expected = storm.contacts.filter((c) => c.agent === agent && byContact.has(c.id)).length;
    doubledCards += Math.max(0, cardsIn(agent.conversationId) - expected);
    const row = await db.selectFrom('agents').select(['state', 'reason_code', 'current_interaction_id']).where('id', '=', agent.aadObjectId).executeTakeFirst();
    if (row?.state !== 'Unavailable' || row.reason_code !== 'Break' || row.current_interaction_id !== null) {
      lost++;
      if (examples.length < 5) examples.push(`agent ${agent.aadObjectId}: ${row?.state}/${row?.reason_code}, expected Unavailable/Break`);
    }
  }
  return { contacts: storm.contacts.length, sentEvents: storm.sent.length, distinctEvents: storm.events.length, doubledCards, doubledInteractions, lostTransitions: lost, examples };
}
