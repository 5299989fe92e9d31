import type { Transaction } from 'kysely';
import { findAcdContact, markAcwCompleted } from '../store/acdRepository.js';
import { enqueueWebhookEvent } from '../store/acdWebhookRepository.js';
import type { Database } from '../store/schema.js';
import { acwCompletedEvent, agentStateEvent } from './webhookEvents.js';

/** Sources whose contacts the generic webhook does not report: TaskRouter is told by its own API, the simulator is local. */
const NOT_WEBHOOK_SOURCES = new Set(['twilio', 'simulator']);

/** Queues the agent's own state change (called inside its transaction; the ACD's own changes never come here). */
export async function queueAgentState(trx: Transaction<Database>, agentId: string, state: 'Available' | 'Unavailable', reasonCode: string | null, at: string): Promise<void> {
  await enqueueWebhookEvent(trx, agentStateEvent(agentId, state, reasonCode, at), at);
}

/**
 * Queues contact.acwCompleted when the agent completed After Call Work in Teams on a contact from the generic
 * API, inside the completion's transaction. A contact the ACD completed (or abandoned) itself is not sent back:
 * no loop. The contact is marked completed here, so the ACD's own acwCompleted after ours changes nothing.
 */
export async function queueAcwCompleted(trx: Transaction<Database>, done: { id: string; agentId: string; disposition: string | null; notes: string | null }, at: string): Promise<void> {
  const row = await trx.selectFrom('interactions').select('acd_contact_id').where('id', '=', done.id).executeTakeFirst();
  const contactId = row?.acd_contact_id;
  if (!contactId) return;
  const contact = await findAcdContact(trx, contactId);
  if (!contact || NOT_WEBHOOK_SOURCES.has(contact.source) || contact.phase === 'acwCompleted' || contact.phase === 'abandoned') return;
  if (contact.agent_id !== done.agentId) return; // the part of an agent it was transferred from
  await enqueueWebhookEvent(trx, acwCompletedEvent(done.agentId, contactId, done.disposition, done.notes, at), at);
  await markAcwCompleted(trx, contactId, at);
}
