import { randomUUID } from 'node:crypto';
import type { ThreadRouter } from '../../src/digital/ports.js';
import type { Db } from '../../src/store/db.js';
import { putRecordLinks } from '../../src/store/interactionsRepository.js';

/**
 * A digital conversation as the intake stores it (an integration, a channel, a thread that is one 'active'
 * chat interaction assigned to an agent, its messages), written straight to the tables: the intake and the
 * router are other pieces, and these tests are about what happens after.
 */
export interface SeededThread {
  threadId: string;
  interactionId: string;
  channelId: string;
}

export interface ThreadSeed {
  agentId: string;
  configurationId: string;
  /** Records linked on its card (each gets timeline + memorialization). */
  linked: Array<{ type: string; id: string; label?: string }>;
  /** The transcript, in order; at least one message. */
  messages: Array<{ direction: 'inbound' | 'outbound'; text: string; at: string; author?: string }>;
  skill?: string | null;
  cardActivityId?: string;
}

export async function seedThread(db: Db, seed: ThreadSeed): Promise<SeededThread> {
  const now = seed.messages[0]!.at;
  const integrationId = randomUUID();
  const channelId = randomUUID();
  const threadId = randomUUID();
  const interactionId = randomUUID();
  await db
    .insertInto('digital_integrations')
    .values({
      id: integrationId,
      name: 'Test platform',
      client_id: `client-${integrationId}`,
      client_secret_hash: 'x',
      box_url: 'http://127.0.0.1:9/box',
      authorization_url: null,
      outbound_client_id: null,
      outbound_secret_env: null,
      created_at: now,
    })
    .execute();
  await db
    .insertInto('digital_channels')
    .values({
      id: channelId,
      integration_id: integrationId,
      id_on_external_platform: `chan-${channelId}`,
      channel_integration_id: 'ci',
      real_external_platform_id: null,
      name: 'Web chat',
      is_private: 1,
      has_tree_structure: 0,
      kind: 'chat',
      skill: seed.skill ?? null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('interactions')
    .values({
      id: interactionId,
      agent_id: seed.agentId,
      channel: 'chat',
      ani: '',
      state: 'active',
      configuration_id: seed.configurationId,
      match_state: seed.linked.length ? 'single' : 'none',
      started_at: now,
      ended_at: null,
      completed_at: null,
      disposition: null,
      notes: null,
      card_activity_id: seed.cardActivityId ?? null,
      last_notice: null,
      customer_id: null,
    })
    .execute();
  await db
    .insertInto('digital_threads')
    .values({
      id: threadId,
      channel_id: channelId,
      id_on_external_platform: `thread-${threadId}`,
      interaction_id: interactionId,
      status: 'New',
      assignment: 'assigned',
      skill: seed.skill ?? null,
      author: JSON.stringify({ idOnExternalPlatform: 'peter.solo@example.com', firstName: 'Peter', lastName: 'Solo' }),
      tags: '[]',
      triggered_at: null,
      trigger: null,
      created_at: now,
      last_message_at: seed.messages.at(-1)!.at,
    })
    .execute();
  await db
    .insertInto('digital_messages')
    .values(
      seed.messages.map((m, i) => ({
        id: randomUUID(),
        channel_id: channelId,
        thread_id: threadId,
        id_on_external_platform: `msg-${threadId}-${i}`,
        direction: m.direction,
        text: m.text,
        created_at: m.at,
        received_at: m.at,
        author_name: m.author ?? (m.direction === 'inbound' ? 'Peter Solo' : 'Agent'),
        agent_id: m.direction === 'outbound' ? seed.agentId : null,
        delivery_status: m.direction === 'outbound' ? 'delivered' : null,
        delivery_error: null,
        next_attempt_at: null,
        lease_until: null,
      })),
    )
    .execute();
  if (seed.linked.length) {
    await putRecordLinks(
      db,
      seed.linked.map((r) => ({ interactionId, recordType: r.type, recordId: r.id, linked: true, origin: 'ani' as const, label: r.label ?? `${r.type} ${r.id}`, fields: {} })),
    );
  }
  return { threadId, interactionId, channelId };
}

/**
 * A TEST DOUBLE of the ThreadRouter port (the threads piece has the real one): it hands a thread to the first
 * of `free` agents that has the skill and is not excluded, over the same tables, and posts nothing. It records
 * what it was asked.
 */
export class TableRouter implements ThreadRouter {
  readonly calls: Array<{ op: 'route' | 'assignTo' | 'drainQueue'; threadId?: string; skill?: string | null; excludeAgentId?: string; agentId?: string }> = [];

  constructor(
    private readonly db: Db,
    /** Who is free now, with their skills (undefined: every skill). */
    public free: Array<{ agentId: string; skills?: string[] }>,
  ) {}

  async route(threadId: string, options: { skill?: string | null; excludeAgentId?: string } = {}): Promise<string | null> {
    this.calls.push({ op: 'route', threadId, ...options });
    const agent = this.free.find((a) => a.agentId !== options.excludeAgentId && (!options.skill || !a.skills || a.skills.includes(options.skill)));
    if (!agent) return null;
    await this.give(threadId, agent.agentId);
    return agent.agentId;
  }

  async assignTo(threadId: string, agentId: string): Promise<void> {
    this.calls.push({ op: 'assignTo', threadId, agentId });
    await this.give(threadId, agentId);
  }

  async drainQueue(): Promise<number> {
    this.calls.push({ op: 'drainQueue' });
    return 0;
  }

  private async give(threadId: string, agentId: string): Promise<void> {
    const thread = await this.db.selectFrom('digital_threads').select('interaction_id').where('id', '=', threadId).executeTakeFirstOrThrow();
    await this.db.updateTable('digital_threads').set({ assignment: 'assigned' }).where('id', '=', threadId).execute();
    await this.db.updateTable('interactions').set({ agent_id: agentId }).where('id', '=', thread.interaction_id).execute();
  }
}
