import type { Kysely } from 'kysely';

// Digital conversations (issue 14): the integrations that send them (their issued secret kept only as a hash),
// the access tokens they obtained (hashed too), their channels, threads (one interaction each) and messages.
// A message is stored once per (channel, idOnExternalPlatform), however often the platform sends it; an
// outbound message is also its own delivery outbox row.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('digital_integrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('client_secret_hash', 'text', (c) => c.notNull())
    .addColumn('box_url', 'text', (c) => c.notNull())
    .addColumn('authorization_url', 'text')
    .addColumn('outbound_client_id', 'text')
    .addColumn('outbound_secret_env', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('digital_access_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('digital_channels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('id_on_external_platform', 'text', (c) => c.notNull())
    .addColumn('channel_integration_id', 'text', (c) => c.notNull())
    .addColumn('real_external_platform_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('is_private', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('has_tree_structure', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('skill', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('digital_threads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('id_on_external_platform', 'text', (c) => c.notNull())
    .addColumn('interaction_id', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assignment', 'text', (c) => c.notNull())
    .addColumn('skill', 'text')
    .addColumn('author', 'text', (c) => c.notNull()) // EndUserIdentity as JSON
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('triggered_at', 'text')
    .addColumn('trigger', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_message_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('digital_threads_external', ['channel_id', 'id_on_external_platform'])
    .execute();
  await db.schema.createIndex('digital_threads_queue').on('digital_threads').columns(['assignment', 'created_at']).execute();
  await db.schema
    .createTable('digital_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('thread_id', 'text', (c) => c.notNull())
    .addColumn('id_on_external_platform', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    // The outbox of an outbound message: pending → sent/delivered, or failed with why.
    .addColumn('delivery_status', 'text')
    .addColumn('delivery_error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text')
    .addColumn('lease_until', 'text')
    .addUniqueConstraint('digital_messages_external', ['channel_id', 'id_on_external_platform'])
    .execute();
  await db.schema.createIndex('digital_messages_thread').on('digital_messages').columns(['thread_id', 'created_at']).execute();
  await db.schema.createIndex('digital_messages_due').on('digital_messages').columns(['delivery_status', 'next_attempt_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['digital_messages', 'digital_threads', 'digital_channels', 'digital_access_tokens', 'digital_integrations']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
