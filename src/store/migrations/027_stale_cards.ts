import { sql, type Kysely } from 'kysely';

// A card message left behind (issue 12): the instance that changed a card updates its message, so one that
// dies between the change and the update, or whose update Teams refused, leaves the message older than the card.
// `card_changed_at` is when its latest change was announced (the announcing instance's clock); a card whose
// revision is ahead of the one its message was sent at, and has been for a while, is found through the
// partial index, which holds only such cards (staleCardSweep.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('interactions').addColumn('card_changed_at', 'text').execute();
  await sql`CREATE INDEX IF NOT EXISTS interactions_stale_cards ON interactions (card_changed_at) WHERE card_revision > card_sent_revision`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS interactions_stale_cards`.execute(db);
  await db.schema.alterTable('interactions').dropColumn('card_changed_at').execute();
}
