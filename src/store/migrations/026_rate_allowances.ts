import type { Kysely } from 'kysely';

// One rate shared by every instance on one database (issue 12): Teams answers 429 past 50 requests a second
// per app and tenant, however many instances send them. Each named allowance is a token bucket: `tokens` as of
// `refilled_at` (seconds since the epoch, on the database's clock, so that the instances' clocks never disagree
// about it). Its rate and size are the caller's (rateAllowancesRepository.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_allowances')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('tokens', 'double precision', (c) => c.notNull())
    .addColumn('refilled_at', 'double precision', (c) => c.notNull())
    .addColumn('last_granted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_allowances').ifExists().execute();
}
