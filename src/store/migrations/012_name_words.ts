import { sql, SqliteAdapter, type Kysely } from 'kysely';
import { nameWordKeys } from '../../crm/embedded/recordRules.js';

/** The tables as this migration knows them (the schema of its time, not of today). */
interface Tables {
  crm_records: { id: string; type: string; name: string };
  crm_record_keys: { kind: string; value: string; record_id: string; record_type: string };
}

/** Records read and keyed per round of the backfill: bounded memory at a million contacts. */
const BATCH = 2000;

// Name search in the embedded CRM ignores case and accents and runs through an index: each word of a
// record's name, folded, is a key ('word') in crm_record_keys. Records written before get their words here,
// computed by the connector's own rule, so that they are the keys it looks for.
export async function up(db: Kysely<Tables>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    // Word prefixes are found by a range compared byte by byte ("C"), whatever the database's collation;
    // SQLite's primary key (kind, value, …) already compares so.
    await sql`CREATE INDEX IF NOT EXISTS crm_record_words ON crm_record_keys (value COLLATE "C", record_type) WHERE kind = 'word'`.execute(db);
  }
  let after = '';
  for (;;) {
    const rows = await db.selectFrom('crm_records').select(['id', 'type', 'name']).where('id', '>', after).orderBy('id').limit(BATCH).execute();
    if (rows.length === 0) return;
    const keys = rows.flatMap((r) => nameWordKeys(r.type, r.name, r.id).map((k) => ({ kind: k.kind, value: k.value, record_id: r.id, record_type: r.type })));
    // A few hundred rows per statement: SQLite takes at most 32,766 parameters in one.
    for (let i = 0; i < keys.length; i += 500) {
      await db
        .insertInto('crm_record_keys')
        .values(keys.slice(i, i + 500))
        .onConflict((oc) => oc.columns(['kind', 'value', 'record_id']).doNothing())
        .execute();
    }
    after = rows.at(-1)!.id;
  }
}

export async function down(db: Kysely<Tables>): Promise<void> {
  await db.schema.dropIndex('crm_record_words').ifExists().execute();
  await db.deleteFrom('crm_record_keys').where('kind', '=', 'word').execute();
}
