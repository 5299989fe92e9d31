import { replyIdFor, type DigitalCardView } from '../domain/digital.js';
import type { Interaction } from '../domain/interaction.js';
import type { Repositories } from '../store/unitOfWork.js';

/** The most messages a card is drawn from: the card shows the latest that fit its budget (src/cards/customerCard/digital.ts). */
export const TRANSCRIPT_READ = 60;
/** The most agents a transfer offers by name. */
const TRANSFER_AGENTS = 50;

/**
 * The digital part of an interaction's card: its thread, the latest messages, the next reply's id and where
 * a transfer may go. Undefined for a call (and for an interaction whose thread is gone).
 */
export async function digitalCardView(repos: Repositories, interaction: Interaction): Promise<DigitalCardView | undefined> {
  if (interaction.channel === 'voice') return undefined;
  const thread = await repos.threads.findOfInteraction(interaction.id);
  if (!thread) return undefined;
  const [channel, messages, counts, candidates, skills] = await Promise.all([
    repos.threads.channelOf(thread.id),
    repos.threads.latestMessages(thread.id, TRANSCRIPT_READ),
    repos.threads.messageCounts(thread.id),
    // One more than shown: the card's own agent is left out of them.
    thread.status === 'Closed' ? Promise.resolve([]) : repos.threads.routingCandidates({ limit: TRANSFER_AGENTS + 1 }),
    thread.status === 'Closed' ? Promise.resolve([]) : repos.threads.knownSkills(),
  ]);
  return {
    threadId: thread.id,
    channel: { kind: channel?.kind ?? (interaction.channel as DigitalCardView['channel']['kind']), name: channel?.name ?? '' },
    endUserName: messages.find((m) => m.direction === 'inbound')?.authorName ?? thread.author.idOnExternalPlatform,
    status: thread.status,
    assignment: thread.assignment,
    tags: thread.tags,
    messages: messages.map((m) => ({ direction: m.direction, authorName: m.authorName, createdAt: m.createdAt, text: m.text, delivery: m.delivery })),
    earlier: Math.max(0, counts.total - messages.length),
    replyId: replyIdFor(interaction.id, counts.outbound),
    transferTargets: {
      agents: candidates
        .filter((a) => a.id !== interaction.agentId)
        .slice(0, TRANSFER_AGENTS)
        .map((a) => ({ id: a.id, name: a.name })),
      skills,
    },
  };
}
