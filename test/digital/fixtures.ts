import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DigitalChannel, EndUserIdentity, ThreadAssignment, ThreadStatus } from '../../src/domain/digital.js';
import { putRecordLinks } from '../../src/store/interactionRecordsRepository.js';
import type { Database } from '../../src/store/schema.js';

/*
 * A FIXTURE, not the product's intake: plain inserts of an integration, a channel, a thread with its
 * interaction assigned to an agent, its messages and linked records, for the tests of what comes after a
 * thread exists (replies, outcomes) without going through the channels API and routing each time.
 */

/** The pair the app presents to the test integration box, its secret in the environment as an admin would set it. */
export const SECRET_ENV = 'DIGITAL_TEST_BOX_SECRET';
export const CLIENT = { clientId: 'cxone-app', clientSecret: 's3cret-for-the-box' };
process.env[SECRET_ENV] = CLIENT.clientSecret;

/** An integration that gets its tokens from the box's token endpoint (OAuth 2.0 client credentials). */
export const oauth = (box: { boxUrl: string; tokenUrl: string }): IntegrationFixture => ({
  boxUrl: box.boxUrl,
  authorizationUrl: box.tokenUrl,
  outboundClientId: CLIENT.clientId,
  outboundSecretEnv: SECRET_ENV,
});

/** A card's one-time reply id for this interaction. */
export const replyIdFor = (interactionId: string) => `${interactionId}-${randomUUID().slice(0, 8)}`;

export interface IntegrationFixture {
  boxUrl: string;
  authorizationUrl?: string | null;
  outboundClientId?: string | null;
  outboundSecretEnv?: string | null;
}

export interface ThreadFixture {
  agentId: string;
  /** An integration to reuse (its id), or the one to create (default: one whose box nobody listens at). */
  integration?: string | IntegrationFixture;
  configurationId?: string;
  /** Records linked on its card (each gets timeline + memorialization). */
  linked?: Array<{ type: string; id: string; label?: string }>;
  /** The transcript, in order (default: one inbound message at lastInboundAt). */
  messages?: Array<{ direction: 'inbound' | 'outbound'; text: string; at: string; author?: string }>;
  skill?: string | null;
  cardActivityId?: string;
  endUser?: EndUserIdentity;
  status?: ThreadStatus;
  assignment?: ThreadAssignment;
  /** When the end user last wrote (ISO); default now. */
  lastInboundAt?: string;
}

export interface SeededThread {
  integrationId: string;
  channelId: string;
  channelIdOnExternalPlatform: string;
  threadId: string;
  threadIdOnExternalPlatform: string;
  interactionId: string;
}

export async function seedIntegration(db: Kysely<Database>, fixture: IntegrationFixture): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('digital_integrations')
    .values({
      id,
      name: 'Forum middleware',
      client_id: `client-${id}`,
      client_secret_hash: 'fixture-not-a-real-hash',
      box_url: fixture.boxUrl,
      authorization_url: fixture.authorizationUrl ?? null,
      outbound_client_id: fixture.outboundClientId ?? null,
      outbound_secret_env: fixture.outboundSecretEnv ?? null,
      created_at: new Date().toISOString(),
    })
    .execute();
  return id;
}

export async function seedThread(db: Kysely<Database>, fixture: ThreadFixture): Promise<SeededThread> {
  const lastInboundAt = fixture.lastInboundAt ?? new Date().toISOString();
  const messages = fixture.messages ?? [{ direction: 'inbound' as const, text: 'Hello, can you help me, please?', at: lastInboundAt }];
  const now = messages[0]!.at;
  const integrationId = typeof fixture.integration === 'string' ? fixture.integration : await seedIntegration(db, fixture.integration ?? { boxUrl: 'http://127.0.0.1:9/box' });
  const channelId = randomUUID();
  const channelIdOnExternalPlatform = `forum-${channelId.slice(0, 8)}`;
  await db
    .insertInto('digital_channels')
    .values({
      id: channelId,
      integration_id: integrationId,
      id_on_external_platform: channelIdOnExternalPlatform,
      channel_integration_id: integrationId,
      real_external_platform_id: 'forum',
      name: 'My discussion forum',
      is_private: 1,
      has_tree_structure: 0,
      kind: 'chat',
      skill: fixture.skill ?? null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const interactionId = randomUUID();
  const assignment = fixture.assignment ?? 'assigned';
  const status = fixture.status ?? 'New';
  const linked = fixture.linked ?? [];
  await db
    .insertInto('interactions')
    .values({
      id: interactionId,
      agent_id: assignment === 'assigned' ? fixture.agentId : '',
      channel: 'chat',
      ani: '',
      state: status === 'Closed' ? 'completed' : 'active',
      configuration_id: fixture.configurationId ?? 'demo',
      match_state: linked.length ? 'single' : 'none',
      started_at: now,
      ended_at: null,
      completed_at: status === 'Closed' ? now : null,
      disposition: null,
      notes: null,
      card_activity_id: fixture.cardActivityId ?? null,
      last_notice: null,
      customer_id: null,
    })
    .execute();
  const threadId = randomUUID();
  const threadIdOnExternalPlatform = `thread-${threadId.slice(0, 8)}`;
  await db
    .insertInto('digital_threads')
    .values({
      id: threadId,
      channel_id: channelId,
      id_on_external_platform: threadIdOnExternalPlatform,
      interaction_id: interactionId,
      status,
      assignment,
      skill: fixture.skill ?? null,
      author: JSON.stringify(fixture.endUser ?? { idOnExternalPlatform: '5459', firstName: 'Peter', lastName: 'Solo', nickname: '@peter007' }),
      triggered_at: null,
      trigger: null,
      created_at: now,
      last_message_at: messages.at(-1)!.at,
    })
    .execute();
  await db
    .insertInto('digital_messages')
    .values(
      messages.map((m) => ({
        id: randomUUID(),
        channel_id: channelId,
        thread_id: threadId,
        id_on_external_platform: `comment-${randomUUID()}`,
        direction: m.direction,
        text: m.text,
        created_at: m.at,
        received_at: m.at,
        author_name: m.author ?? (m.direction === 'inbound' ? 'Peter Solo' : 'Agent'),
        agent_id: m.direction === 'outbound' ? fixture.agentId : null,
        delivery_status: m.direction === 'outbound' ? 'delivered' : null,
        delivery_error: null,
        next_attempt_at: null,
        lease_until: null,
      })),
    )
    .execute();
  if (linked.length) {
    await putRecordLinks(
      db,
      linked.map((r) => ({ interactionId, recordType: r.type, recordId: r.id, linked: true, origin: 'ani' as const, label: r.label ?? `${r.type} ${r.id}`, fields: {} })),
    );
  }
  return { integrationId, channelId, channelIdOnExternalPlatform, threadId, threadIdOnExternalPlatform, interactionId };
}

/** The outbound messages stored for a thread, oldest first. */
export async function repliesOf(db: Kysely<Database>, threadId: string) {
  return db.selectFrom('digital_messages').selectAll().where('thread_id', '=', threadId).where('direction', '=', 'outbound').orderBy('created_at').execute();
}

/** A channel as the channels API registers it (that API is another piece: the row is written as it writes it). */
export async function addChannel(db: Kysely<Database>, skill: string | null, name = 'Support chat'): Promise<DigitalChannel> {
  const channel: DigitalChannel = {
    id: randomUUID(),
    integrationId: 'integration-1',
    idOnExternalPlatform: `forum-${randomUUID()}`,
    channelIntegrationId: 'integration-1',
    realExternalPlatformId: 'forum',
    name,
    isPrivate: true,
    hasTreeStructure: false,
    kind: 'chat',
    skill,
  };
  const now = new Date().toISOString();
  await db
    .insertInto('digital_channels')
    .values({
      id: channel.id,
      integration_id: channel.integrationId,
      id_on_external_platform: channel.idOnExternalPlatform,
      channel_integration_id: channel.channelIntegrationId,
      real_external_platform_id: channel.realExternalPlatformId,
      name: channel.name,
      is_private: 1,
      has_tree_structure: 0,
      kind: channel.kind,
      skill: channel.skill,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return channel;
}
