import type { Kysely } from 'kysely';

// The customer behind the interactions: a card per new contact and per new channel (SPEC), each known by
// its identifiers (a phone number, an email address, a channel handle); two cards of one person merge.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('customers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('customer_identifiers')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_identifiers_pk', ['kind', 'value'])
    .execute();
  await db.schema.createIndex('customer_identifiers_by_customer').on('customer_identifiers').column('customer_id').execute();
  await db.schema.alterTable('interactions').addColumn('customer_id', 'text').execute();
  await db.schema.createIndex('interactions_by_customer').on('interactions').column('customer_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('interactions_by_customer').ifExists().execute();
  await db.schema.alterTable('interactions').dropColumn('customer_id').execute();
  await db.schema.dropTable('customer_identifiers').ifExists().execute();
  await db.schema.dropTable('customers').ifExists().execute();
}
