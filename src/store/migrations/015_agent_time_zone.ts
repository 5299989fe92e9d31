import type { Kysely } from 'kysely';

// Dates and times on the card read in the agent's own time zone: Teams sends the client's IANA zone
// (activity.localTimezone) with each activity, and the tab its own; the latest is kept here. Null: UTC.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('agents').addColumn('time_zone', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('agents').dropColumn('time_zone').execute();
}
