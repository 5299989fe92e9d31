import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { endUserName, type DigitalChannel, type Thread } from '../domain/digital.js';
import { AppError } from '../domain/errors.js';
import { newInteraction, type Interaction } from '../domain/interaction.js';
import { runIdentityDip } from '../interactions/dataDipScript.js';
import type { InteractionEvents } from '../interactions/interactionEvents.js';
import { onLinked } from '../interactions/recordHistory.js';
import type { Repositories, UnitOfWork } from '../store/unitOfWork.js';
import type { WorkflowEngine } from '../workflows/engine.js';
import type { DigitalConfig } from './digitalConfig.js';
import { aniOf, customerIdentifierOf, endUserLookup } from './endUserLookup.js';
import type { InboundMessage, IntakeResult, MessageIntake, ThreadRouter } from './ports.js';
import { threadStep } from './threadSteps.js';

export interface ThreadIntakeDeps {
  unit: UnitOfWork;
  engine: WorkflowEngine;
  router: Pick<ThreadRouter, 'route'>;
  events: InteractionEvents;
  config: Pick<DigitalConfig, 'identityMap'>;
  defaultRegion: string;
  logger: Logger;
  clock: () => Date;
}

/** What one thread's transaction did, for what follows it (routing, the data dip, the card). */
interface ThreadTaken {
  thread: Thread;
  interaction: Interaction;
  created: boolean;
  stored: number;
  duplicates: number;
}

/**
 * Messages in (issue 14): each platform thread is one digital interaction. Per thread, one transaction finds or
 * creates the thread (a new one opens its interaction, queued, with the end user's customer card) and stores
 * each message once (a message sent again is counted, and changes nothing). Then:
 * - a new thread is routed, and the data dip looks for the end user in the CRM by their email or phone;
 * - a message on an assigned open thread changes its card (the agent's chat card and tab update);
 * - a message on a dismissed thread puts it back in the queue and routes it;
 * - a message on a Closed thread is kept in its transcript; Closed is final, nothing reopens.
 */
export function createThreadIntake(deps: ThreadIntakeDeps): MessageIntake {
  const { unit, logger } = deps;

  async function take(repos: Repositories, channel: DigitalChannel, threadKey: string, messages: InboundMessage[], now: string): Promise<ThreadTaken> {
    const first = messages[0]!;
    let thread = await repos.threads.findByExternalId(channel.id, threadKey);
    let created = false;
    let interaction: Interaction | undefined;
    if (!thread) {
      const opened = openThread(channel, threadKey, first, messages, now);
      // The thread first: a second intake of the same new thread waits here for the first, then finds it.
      created = await repos.threads.insert(opened.thread);
      if (created) {
        const customer = await repos.customers.customerFor(customerIdentifierOf(opened.lookup, channel.id, opened.thread.author), endUserName(opened.thread.author), now);
        opened.interaction.customerId = customer.id;
        await repos.interactions.insert(opened.interaction);
        await repos.wfmLog.appendContact(threadStep(opened.interaction, 'offered', { agentId: null, skill: opened.thread.skill, at: now }), now);
        thread = opened.thread;
        interaction = opened.interaction;
      } else {
        // Another intake of the same thread committed it first (the platform sent it twice at once).
        thread = await repos.threads.findByExternalId(channel.id, threadKey);
      }
    }
    if (!thread) throw new Error('A conversation vanished while its messages were stored.');
    interaction ??= await repos.interactions.find(thread.interactionId);
    if (!interaction) throw new Error('A conversation has no interaction.');
    let stored = 0;
    for (const message of messages) {
      const inserted = await repos.threads.insertMessage(
        {
          id: randomUUID(),
          channelId: channel.id,
          threadId: thread.id,
          idOnExternalPlatform: message.idOnExternalPlatform,
          direction: message.direction,
          text: message.text,
          createdAt: message.createdAt,
          authorName: message.direction === 'inbound' ? endUserName(message.author) : channel.name,
          agentId: null,
          // Written on the platform already: nothing of ours to deliver.
          delivery: message.direction === 'outbound' ? { status: 'delivered', error: null } : null,
        },
        now,
      );
      if (inserted) stored += 1;
    }
    if (stored > 0)
      await repos.threads.touch(
        thread.id,
        messages.map((m) => m.createdAt).reduce((a, b) => (a > b ? a : b)),
      );
    return { thread, interaction, created, stored, duplicates: messages.length - stored };
  }

  /** A new thread and its interaction (its customer is found once the thread is known to be new): queued until routing assigns it. */
  function openThread(channel: DigitalChannel, threadKey: string, first: InboundMessage, messages: InboundMessage[], now: string) {
    const configurationId = deps.engine.defaultConfigurationId;
    if (!configurationId) throw new AppError('config', 'No CRM is configured, so a conversation has no Customer Card to show. Ask your admin.');
    const author = messages.find((m) => m.direction === 'inbound')?.author ?? first.author;
    const lookup = endUserLookup(author, deps.config.identityMap, deps.defaultRegion);
    const startedAt = messages.map((m) => m.createdAt).reduce((a, b) => (a < b ? a : b));
    const interaction = newInteraction({
      id: randomUUID(),
      agentId: '',
      channel: channel.kind,
      ani: aniOf(lookup, author),
      state: 'active',
      configurationId,
      startedAt: now,
    });
    const thread: Thread = {
      id: randomUUID(),
      channelId: channel.id,
      idOnExternalPlatform: threadKey,
      interactionId: interaction.id,
      status: 'New',
      assignment: 'queued',
      skill: channel.skill,
      author,
      tags: [],
      triggeredAt: null,
      trigger: null,
      createdAt: startedAt,
      lastMessageAt: startedAt,
    };
    return { thread, interaction, lookup };
  }

  /** The data dip of a new thread, by the end user's identity; its outcome is kept on the card. */
  async function dataDip(taken: ThreadTaken): Promise<void> {
    const lookup = endUserLookup(taken.thread.author, deps.config.identityMap, deps.defaultRegion);
    const { interaction } = taken;
    if (!lookup) {
      const notice = { kind: 'info' as const, text: 'This end user has no email or phone number to look them up by. Search the CRM by name, then link their record.' };
      await unit.repos.interactions.update(interaction.id, 'active', { matchState: 'none', lastNotice: notice });
    } else {
      const dip = await runIdentityDip(deps.engine, interaction, lookup, 'conversation');
      await unit.run(async (repos) => {
        await repos.interactions.putLinks(dip.links);
        await repos.interactions.update(interaction.id, 'active', { matchState: dip.matchState, lastNotice: dip.notice });
      });
      for (const link of dip.links.filter((l) => l.linked)) await onLinked({ repos: unit.repos, engine: deps.engine, logger }, interaction, link);
    }
    const owner = await unit.repos.interactions.find(interaction.id);
    if (owner?.agentId) deps.events.cardChanged(interaction.id, owner.agentId);
  }

  /** What follows a thread's messages once they are stored. */
  async function after(taken: ThreadTaken): Promise<void> {
    const { thread, interaction } = taken;
    if (taken.created) {
      await deps.router.route(thread.id);
      await dataDip(taken);
      return;
    }
    if (taken.stored === 0 || thread.status === 'Closed' || interaction.state === 'completed') return;
    if (thread.assignment === 'assigned' && interaction.agentId) deps.events.cardChanged(interaction.id, interaction.agentId);
    else if (thread.assignment === 'dismissed' || thread.assignment === 'queued') await deps.router.route(thread.id);
  }

  return {
    async receive(channel: DigitalChannel, messages: InboundMessage[]): Promise<IntakeResult> {
      const byThread = new Map<string, InboundMessage[]>();
      for (const message of messages) byThread.set(message.threadIdOnExternalPlatform, [...(byThread.get(message.threadIdOnExternalPlatform) ?? []), message]);
      const result: IntakeResult = { stored: 0, duplicates: 0 };
      for (const [threadKey, ofThread] of byThread) {
        const now = deps.clock().toISOString();
        const taken = await unit.run((repos) => take(repos, channel, threadKey, ofThread, now));
        result.stored += taken.stored;
        result.duplicates += taken.duplicates;
        try {
          await after(taken);
        } catch (error) {
          // The messages are stored: what follows is retried by the queue's drain, or shown when the agent opens the card.
          logger.error({ err: error, threadId: taken.thread.id }, 'a conversation was stored but could not be routed or looked up');
        }
      }
      return result;
    },
  };
}
