import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EndUserIdentity, ThreadAssignment, ThreadStatus } from '../../src/domain/digital.js';
import type { Database } from '../../src/store/schema.js';

/*
 * A FIXTURE, not the product's intake: plain inserts of an integration, a channel, a thread with its
 * interaction assigned to an agent, and an inbound message, so the replies can be tested before the channels
 * API and the threads piece create them the real way.
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
  /** An integration to reuse (its id), or the one to create. */
  integration: string | IntegrationFixture;
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
  const now = new Date().toISOString();
  const integrationId = typeof fixture.integration === 'string' ? fixture.integration : await seedIntegration(db, fixture.integration);
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
      skill: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const interactionId = randomUUID();
  const assignment = fixture.assignment ?? 'assigned';
  const status = fixture.status ?? 'Open';
  await db
    .insertInto('interactions')
    .values({
      id: interactionId,
      agent_id: assignment === 'assigned' ? fixture.agentId : '',
      channel: 'chat',
      ani: '',
      state: status === 'Closed' ? 'completed' : 'active',
      configuration_id: 'demo',
      match_state: 'none',
      started_at: now,
      ended_at: null,
      completed_at: status === 'Closed' ? now : null,
      disposition: null,
      notes: null,
      card_activity_id: null,
      last_notice: null,
      customer_id: null,
    })
    .execute();
  const threadId = randomUUID();
  const threadIdOnExternalPlatform = `thread-${threadId.slice(0, 8)}`;
  const lastInboundAt = fixture.lastInboundAt ?? now;
  await db
    .insertInto('digital_threads')
    .values({
      id: threadId,
      channel_id: channelId,
      id_on_external_platform: threadIdOnExternalPlatform,
      interaction_id: interactionId,
      status,
      assignment,
      skill: null,
      author: JSON.stringify(fixture.endUser ?? { idOnExternalPlatform: '5459', firstName: 'Peter', lastName: 'Solo', nickname: '@peter007' }),
      triggered_at: null,
      trigger: null,
      created_at: now,
      last_message_at: lastInboundAt,
    })
    .execute();
  await db
    .insertInto('digital_messages')
    .values({
      id: randomUUID(),
      channel_id: channelId,
      thread_id: threadId,
      id_on_external_platform: `comment-${randomUUID()}`,
      direction: 'inbound',
      text: 'Hello, can you help me, please?',
      created_at: lastInboundAt,
      received_at: lastInboundAt,
      author_name: 'Peter Solo',
      agent_id: null,
      delivery_status: null,
      delivery_error: null,
      next_attempt_at: null,
      lease_until: null,
    })
    .execute();
  return { integrationId, channelId, channelIdOnExternalPlatform, threadId, threadIdOnExternalPlatform, interactionId };
}

/** The outbound messages stored for a thread, oldest first. */
export async function repliesOf(db: Kysely<Database>, threadId: string) {
  return db.selectFrom('digital_messages').selectAll().where('thread_id', '=', threadId).where('direction', '=', 'outbound').orderBy('created_at').execute();
}
