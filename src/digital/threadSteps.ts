import type { Interaction } from '../domain/interaction.js';
import type { ContactLogEntry, ContactStep } from '../domain/wfm.js';
import { interactionContactKey } from '../interactions/callRecording.js';

/**
 * A digital thread's step in the contact log (issue 15): its interaction is the contact, its kind (chat, SMS,
 * web) the channel, the skill it is routed by ('' for none); the app routes threads itself, so the app says it.
 * Offered when it opens, answered when an agent gets it, transferred (to an agent, or null for a skill), ended
 * when its agent closes, unassigns or dismisses it.
 */
export function threadStep(interaction: Pick<Interaction, 'id' | 'channel'>, step: ContactStep, how: { agentId: string | null; skill: string | null; at: string }): ContactLogEntry {
  return { contactKey: interactionContactKey(interaction.id), step, at: how.at, agentId: how.agentId, skill: how.skill ?? '', channel: interaction.channel, source: 'app' };
}
