import { sql } from 'kysely';
import type { Db } from './db.js';

/**
 * Takes up to `want` tokens from the named allowance of migration 026 (a bucket refilled at `perSecond` on
 * the database's clock, holding at most `perSecond`, full when first used), in one statement: the row's lock
 * makes concurrent takers of every instance see each other's. PostgreSQL only. Gives how many were granted,
 * and the tokens left (a fraction when none was whole).
 */
export async function takeRateTokens(db: Db, take: { name: string; want: number; perSecond: number }): Promise<{ granted: number; left: number }> {
  const { name, want, perSecond } = take;
  const now = sql`extract(epoch from statement_timestamp())::double precision`;
  // Every expression reads the row as it was before this update (taken under its lock): `available` is the bucket now.
  const available = sql`least(${perSecond}::double precision, tokens + greatest(0, ${now} - refilled_at) * ${perSecond})`;
  const granted = sql`least(${want}::integer, floor(${available})::integer)`;
  const update = () =>
    sql<{ granted: number; left: number }>`
    update rate_allowances set tokens = ${available} - ${granted}, last_granted = ${granted}, refilled_at = greatest(refilled_at, ${now})
    where name = ${name}
    returning last_granted as granted, tokens as left`.execute(db);
  let { rows } = await update();
  if (rows.length === 0) {
    // First use of this allowance on this database: created full (refilled long ago), then taken from.
    await sql`insert into rate_allowances (name, tokens, refilled_at) values (${name}, ${perSecond}, 0) on conflict (name) do nothing`.execute(db);
    ({ rows } = await update());
  }
  const row = rows[0]!;
  return { granted: Number(row.granted), left: Number(row.left) };
}
