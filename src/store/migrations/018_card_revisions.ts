import type { Kysely } from 'kysely';

// Many instances, one card (issue 12). `card_revision` counts the changes announced of an interaction's card
// (bumped when a change is announced to the other instances); `card_sent_revision` is the revision the card
// message last sent was drawn at; `card_sending_by`/`card_sending_until` are the lease of the one instance
// updating the message now, so that updates of one message are drawn and sent one after the other.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('interactions')
    .addColumn('card_revision', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('interactions')
    .addColumn('card_sent_revision', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('interactions').addColumn('card_sending_by', 'text').execute();
  await db.schema.alterTable('interactions').addColumn('card_sending_until', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('interactions').dropColumn('card_sending_until').execute();
  await db.schema.alterTable('interactions').dropColumn('card_sending_by').execute();
  await db.schema.alterTable('interactions').dropColumn('card_sent_revision').execute();
  await db.schema.alterTable('interactions').dropColumn('card_revision').execute();
}
