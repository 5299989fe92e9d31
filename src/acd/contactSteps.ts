import type { Channel } from '../domain/interaction.js';
import type { ContactStep } from '../domain/wfm.js';
import { acdContactKey } from '../interactions/callRecording.js';
import type { AcdContactRow } from '../store/acdRepository.js';
import type { Db } from '../store/db.js';
import { appendContactLogs } from '../store/wfmLogRepository.js';
import type { AcdContactEvent } from './eventSchema.js';

const STEP_OF: Record<AcdContactEvent['type'], ContactStep> = {
  'contact.offered': 'offered',
  'contact.answered': 'answered',
  'contact.ended': 'ended',
  'contact.acwCompleted': 'acwCompleted',
  'contact.abandoned': 'abandoned',
  'contact.transferred': 'transferred',
};

/**
 * Logs each new event of one ACD contact as its step (issue 15), in the transaction that recorded the events:
 * at the event's own time and with its key (a retry is recorded once), by the agent it names (a transfer's:
 * who it went to), under the contact's skill and channel as merged so far. Whatever order they come in, each
 * is logged at its time (an `ended` before its `answered`: both). The local simulator's calls are logged as
 * the app's own contacts by the calls themselves (CallLifecycle), so not here.
 */
export async function logAcdContactSteps(
  db: Db,
  contact: Pick<AcdContactRow, 'contact_id' | 'skill' | 'channel'>,
  events: ReadonlyArray<{ event: AcdContactEvent; agentId: string; key: string }>,
  source: string,
  now: string,
): Promise<void> {
  if (source === 'simulator') return;
  const contactKey = acdContactKey(source, contact.contact_id);
  const steps = events.map(({ event, agentId, key }) => {
    const channel = (contact.channel ?? event.contact.channel) as Channel;
    return { contactKey, step: STEP_OF[event.type], at: event.at, agentId, skill: contact.skill ?? '', channel, source: 'acd' as const, eventKey: key };
  });
  await appendContactLogs(db, steps, now);
}
