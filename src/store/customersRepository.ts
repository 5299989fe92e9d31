import { randomUUID } from 'node:crypto';
import type { Customer, CustomerIdentifier } from '../domain/customer.js';
import type { Db } from './db.js';

/** The customer known by this identifier, created (with that identifier) when there is none yet. */
export async function customerFor(db: Db, identifier: CustomerIdentifier, name: string, now: string): Promise<Customer> {
  const known = await db
    .selectFrom('customer_identifiers as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['c.id', 'c.name'])
    .where('i.kind', '=', identifier.kind)
    .where('i.value', '=', identifier.value)
    .executeTakeFirst();
  if (known) return { ...known, identifiers: await identifiersOf(db, known.id) };
  const id = randomUUID();
  await db.insertInto('customers').values({ id, name, created_at: now }).execute();
  await db.insertInto('customer_identifiers').values({ kind: identifier.kind, value: identifier.value, customer_id: id }).execute();
  return { id, name, identifiers: [identifier] };
}

export async function findCustomer(db: Db, id: string): Promise<Customer | undefined> {
  const row = await db.selectFrom('customers').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
  return row ? { ...row, identifiers: await identifiersOf(db, id) } : undefined;
}

export async function renameCustomer(db: Db, id: string, name: string): Promise<void> {
  await db.updateTable('customers').set({ name }).where('id', '=', id).execute();
}

async function identifiersOf(db: Db, customerId: string): Promise<CustomerIdentifier[]> {
  const rows = await db.selectFrom('customer_identifiers').select(['kind', 'value']).where('customer_id', '=', customerId).orderBy('kind').orderBy('value').execute();
  return rows.map((r) => ({ kind: r.kind as CustomerIdentifier['kind'], value: r.value }));
}

/**
 * Customers that may be the same person: sharing a name (case-insensitive) or an identifier value, or
 * matching the agent's search text in name or identifier. At most `limit`, never `excludeId`.
 */
export async function likelyDuplicates(db: Db, excludeId: string, by: { names: string[]; values: string[]; text?: string }, limit: number): Promise<Customer[]> {
  const names = by.names.map((n) => n.trim().toLowerCase()).filter(Boolean);
  const text = by.text?.trim().toLowerCase();
  const rows = await db
    .selectFrom('customers as c')
    .leftJoin('customer_identifiers as i', 'i.customer_id', 'c.id')
    .select(['c.id', 'c.name'])
    .distinct()
    .where('c.id', '!=', excludeId)
    .where((eb) =>
      eb.or([
        ...(names.length ? [eb(eb.fn('lower', ['c.name']), 'in', names)] : []),
        ...(by.values.length ? [eb('i.value', 'in', by.values)] : []),
        ...(text ? [eb(eb.fn('lower', ['c.name']), 'like', `%${text.replace(/[%_]/g, '')}%`), eb('i.value', '=', text)] : []),
        ...(names.length || by.values.length || text ? [] : [eb.val(false)]),
      ]),
    )
    .orderBy('c.name')
    .limit(limit)
    .execute();
  return Promise.all(rows.map(async (r) => ({ ...r, identifiers: await identifiersOf(db, r.id) })));
}

/** Moves everything of `from` (its identifiers and interactions, with their links) to `into`, and removes `from`. */
export async function mergeCustomers(db: Db, into: string, from: string): Promise<void> {
  await db.updateTable('customer_identifiers').set({ customer_id: into }).where('customer_id', '=', from).execute();
  await db.updateTable('interactions').set({ customer_id: into }).where('customer_id', '=', from).execute();
  await db.deleteFrom('customers').where('id', '=', from).execute();
}

/** How many interactions a customer has had. */
export async function interactionCount(db: Db, customerId: string): Promise<number> {
  const row = await db.selectFrom('interactions').select((eb) => eb.fn.countAll<number>().as('n')).where('customer_id', '=', customerId).executeTakeFirst();
  return Number(row?.n ?? 0);
}
