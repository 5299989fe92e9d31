import type { Kysely } from 'kysely';

// The contact center's ACD drives interactions (issue 13). Its events are kept by id so that a retried event
// acts once; each contact's and each agent's latest truth is kept so that events arriving out of order
// converge on what the ACD last said; an interaction remembers the ACD contact it belongs to.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('acd_events')
    .addColumn('key', 'text', (c) => c.primaryKey()) // "<source>:<event id>": sources name their ids independently
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('acd_contacts')
    .addColumn('contact_id', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull()) // who reported it first: where to tell what the agent does to it
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('agent_at', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('phase_at', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('ani', 'text')
    .addColumn('dnis', 'text')
    .addColumn('skill', 'text')
    .addColumn('disposition', 'text')
    .addColumn('notes', 'text')
    .execute();
  await db.schema.createIndex('acd_contacts_by_agent').on('acd_contacts').column('agent_id').execute();
  await db.schema
    .createTable('acd_agent_states')
    .addColumn('agent_id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  // The TaskRouter Worker of each agent, learnt from its callbacks: where to send the agent's own state changes.
  await db.schema
    .createTable('acd_workers')
    .addColumn('agent_id', 'text', (c) => c.primaryKey())
    .addColumn('worker_sid', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('interactions').addColumn('acd_contact_id', 'text').execute();
  await db.schema.createIndex('interactions_by_acd_contact').on('interactions').column('acd_contact_id').execute();
  await db.schema.alterTable('agents').addColumn('email', 'text').execute();
  await db.schema.createIndex('agents_by_email').on('agents').column('email').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('agents_by_email').ifExists().execute();
  await db.schema.alterTable('agents').dropColumn('email').execute();
  await db.schema.dropIndex('interactions_by_acd_contact').ifExists().execute();
  await db.schema.alterTable('interactions').dropColumn('acd_contact_id').execute();
  await db.schema.dropTable('acd_workers').ifExists().execute();
  await db.schema.dropTable('acd_agent_states').ifExists().execute();
  await db.schema.dropTable('acd_contacts').ifExists().execute();
  await db.schema.dropTable('acd_events').ifExists().execute();
}
