import { sql, type Kysely } from 'kysely';

// The merge dialog's "may be the same person" lookups run on every card render: by name (case-insensitive)
// and by identifier value whatever its kind. Without these they scan every customer.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('customers_by_lower_name')
    .on('customers')
    .expression(sql`lower(name)`)
    .execute();
  await db.schema.createIndex('customer_identifiers_by_value').on('customer_identifiers').column('value').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('customer_identifiers_by_value').ifExists().execute();
  await db.schema.dropIndex('customers_by_lower_name').ifExists().execute();
}
