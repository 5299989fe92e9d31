import type { StateMove } from '../agents/stateLogEntries.js';
import type { Channel } from '../domain/interaction.js';
import type { ContactLogEntry, ContactStep } from '../domain/wfm.js';
import type { Repositories } from '../store/unitOfWork.js';

/** The contact log's key of a contact the app routed itself (the simulator's calls, digital threads). */
export const interactionContactKey = (interactionId: string): string => `interaction:${interactionId}`;

/** The contact log's key of an ACD's contact: contact ids are the sender's own. */
export const acdContactKey = (source: string, contactId: string): string => `acd:${source}:${contactId}`;

/**
 * Whose contact a call's steps are logged as: its own ("interaction:<id>", no skill), an ACD contact's (the
 * agent hung up or completed ACW in Teams), or nobody's here: the ACD dispatcher logs an ACD's own events
 * itself, at their times and with their keys.
 */
export type CallContact = { kind: 'own' } | { kind: 'acd'; key: string; skill: string; channel: Channel } | { kind: 'loggedByAcd' };

/** Who moves a call (its agent's state) and when, and where its contact's steps go. */
export interface CallMove extends StateMove {
  contact: CallContact;
}

/** A call the app moves by itself: its agent in Teams, a test, no ACD behind it. */
export const APP_MOVE: CallMove = { source: 'app', contact: { kind: 'own' } };

/**
 * How the agent's own move (hangup, Complete ACW in Teams) of a call is logged: a simulator call's steps as the
 * simulator's, an ACD contact's under its key (said by the app: the ACD may say it again, the first time of a
 * step counts), any other call's as the app's own. Two reads, of the ACD contact behind the interaction.
 */
export async function agentMoveOf(repos: Repositories, interactionId: string): Promise<CallMove> {
  const contactId = await repos.acd.contactIdOfInteraction(interactionId);
  const contact = contactId ? await repos.acd.findContact(contactId) : undefined;
  if (!contact) return APP_MOVE;
  if (contact.source === 'simulator') return { source: 'simulator', contact: { kind: 'own' } };
  const channel = (contact.channel ?? 'voice') as Channel;
  return { source: 'app', contact: { kind: 'acd', key: acdContactKey(contact.source, contact.contact_id), skill: contact.skill ?? '', channel } };
}

/**
 * Logs one step of a call's contact in the caller's transaction, unless the ACD dispatcher logs it: at the
 * move's time (else `now`), by the agent on it.
 */
export async function logCallStep(repos: Repositories, call: { interactionId: string; agentId: string }, step: ContactStep, move: CallMove, now: string): Promise<void> {
  await logCallSteps(repos, call, [step], move, now);
}

/** Logs steps of a call said at one instant (offered and answered, of a call picked up as it rings) in one append. */
export async function logCallSteps(repos: Repositories, call: { interactionId: string; agentId: string }, steps: readonly ContactStep[], move: CallMove, now: string): Promise<void> {
  const entries = steps.flatMap((step) => callStepEntry(call, step, move, now) ?? []);
  if (entries.length) await repos.wfmLog.appendContacts(entries, now);
}

export function callStepEntry(call: { interactionId: string; agentId: string }, step: ContactStep, move: CallMove, now: string): ContactLogEntry | undefined {
  const { contact } = move;
  if (contact.kind === 'loggedByAcd') return undefined;
  const where =
    contact.kind === 'acd'
      ? { contactKey: contact.key, skill: contact.skill, channel: contact.channel }
      : { contactKey: interactionContactKey(call.interactionId), skill: '', channel: 'voice' as const };
  return { ...where, step, at: move.at ?? now, agentId: call.agentId, source: move.source };
}
