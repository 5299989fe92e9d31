import { sql, type Kysely } from 'kysely';

// The card speaks the canonical model (issue 11): each record it holds keeps, beside the CRM's own fields,
// its role, its type's display name, its canonical fields and the values a person reads (references' names,
// choices' labels). Rows written before read as role 'other' with nothing canonical until the record is
// read again (a link, a search, Details): the card then shows their fields as before.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('interaction_records')
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('other'))
    .execute();
  await db.schema.alterTable('interaction_records').addColumn('type_label', 'text').execute();
  await db.schema
    .alterTable('interaction_records')
    .addColumn('canonical', 'text', (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();
  await db.schema
    .alterTable('interaction_records')
    .addColumn('display', 'text', (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['display', 'canonical', 'type_label', 'role']) {
    await db.schema.alterTable('interaction_records').dropColumn(column).execute();
  }
}
