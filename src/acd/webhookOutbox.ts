import type { AcdContactRow } from '../store/acdRepository.js';
import type { Repositories } from '../store/unitOfWork.js';
import { acwCompletedEvent, agentStateEvent } from './webhookEvents.js';

/** Sources whose contacts the generic webhook does not report: TaskRouter is told by its own API, the simulator is local. */
const NOT_WEBHOOK_SOURCES = new Set(['twilio', 'simulator']);

/** What a completion in Teams knows of itself (the interaction just completed). */
export interface CompletedInTeams {
  id: string;
  agentId: string;
  disposition: string | null;
  notes: string | null;
}

/** Queues the agent's own state change (called inside its transaction; the ACD's own changes never come here). */
export async function queueAgentState(repos: Repositories, agentId: string, state: 'Available' | 'Unavailable', reasonCode: string | null, at: string): Promise<void> {
  await repos.acd.enqueueDelivery(agentStateEvent(agentId, state, reasonCode, at), at);
}

/**
 * The ACD contact an ACW completed in Teams should be reported for, or undefined: a contact the ACD completed
 * (or abandoned) itself is not sent back (no loop), nor the part of an agent it was transferred from.
 */
export async function contactCompletedInTeams(repos: Repositories, done: CompletedInTeams): Promise<AcdContactRow | undefined> {
  const contactId = await repos.acd.contactIdOfInteraction(done.id);
  if (!contactId) return undefined;
  const contact = await repos.acd.findContact(contactId);
  if (!contact || contact.phase === 'acwCompleted' || contact.phase === 'abandoned') return undefined;
  return contact.agent_id === done.agentId ? contact : undefined;
}

/**
 * Queues contact.acwCompleted when the agent completed After Call Work in Teams on a contact from the generic
 * API, inside the completion's transaction. The contact is marked completed here, so the ACD's own
 * acwCompleted after ours changes nothing.
 */
export async function queueAcwCompleted(repos: Repositories, done: CompletedInTeams, at: string): Promise<void> {
  const contact = await contactCompletedInTeams(repos, done);
  if (!contact || NOT_WEBHOOK_SOURCES.has(contact.source)) return;
  await repos.acd.enqueueDelivery(acwCompletedEvent(done.agentId, contact.contact_id, done.disposition, done.notes, at), at);
  await repos.acd.markAcwCompleted(contact.contact_id, at);
}
