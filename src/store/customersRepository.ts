import { randomUUID } from 'node:crypto';
import type { Customer, CustomerIdentifier } from '../domain/customer.js';
import type { ExpressionBuilder } from 'kysely';
import type { Db } from './db.js';
import { preparedQuery, preparedShapes } from './preparedQuery.js';
import type { Database } from './schema.js';

/**
 * The customer known by this identifier, created (with that identifier) when there is none yet (`isNew`).
 * Known: one read, of the customer with every identifier of theirs and how many interactions they have had
 * so far (`interactionCount`, 0 for a new one): the card of the interaction about to be added needs no count.
 */
export async function customerFor(db: Db, identifier: CustomerIdentifier, name: string, now: string): Promise<Customer & { isNew?: true; interactionCount: number }> {
  const rows = await customerByIdentifier.rows(db, identifier);
  if (rows.length) {
    const first = rows[0]!;
    return { id: first.id, name: first.name, identifiers: rows.map((r) => ({ kind: r.kind as CustomerIdentifier['kind'], value: r.value })), interactionCount: Number(first.interaction_count ?? 0) };
  }
  const id = randomUUID();
  await insertCustomer.run(db, { id, name, now });
  await insertIdentifier.run(db, { ...identifier, customerId: id });
  return { id, name, identifiers: [identifier], isNew: true, interactionCount: 0 };
}

/** How many interactions the customer `c` has had: a subquery of the reads a card's customer comes from. */
function interactionCountOf(eb: ExpressionBuilder<Database & { c: Database['customers'] }, 'c'>) {
  return eb
    .selectFrom('interactions as ci')
    .select((ec) => ec.fn.countAll<number>().as('n'))
    .whereRef('ci.customer_id', '=', 'c.id')
    .as('interaction_count');
}

// Prepared (preparedQuery.ts): every call finds or creates its caller's customer.
const customerByIdentifier = preparedQuery<CustomerIdentifier>()((db, value) =>
  db
    .selectFrom('customer_identifiers as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .innerJoin('customer_identifiers as ids', 'ids.customer_id', 'c.id')
    .select(['c.id', 'c.name', 'ids.kind', 'ids.value'])
    .select(interactionCountOf)
    .where('i.kind', '=', value('kind'))
    .where('i.value', '=', value('value'))
    .orderBy('ids.kind')
    .orderBy('ids.value'),
);
// Every card drawn shows its customer.
const customerWithCount = preparedQuery<{ id: string }>()((db, value) =>
  db
    .selectFrom('customers as c')
    .leftJoin('customer_identifiers as ids', 'ids.customer_id', 'c.id')
    .select(['c.id', 'c.name', 'ids.kind', 'ids.value'])
    .select(interactionCountOf)
    .where('c.id', '=', value('id'))
    .orderBy('ids.kind')
    .orderBy('ids.value'),
);
const insertCustomer = preparedQuery<{ id: string; name: string; now: string }>()((db, value) => db.insertInto('customers').values({ id: value('id'), name: value('name'), created_at: value('now') }));
const insertIdentifier = preparedQuery<CustomerIdentifier & { customerId: string }>()((db, value) =>
  db.insertInto('customer_identifiers').values({ kind: value('kind'), value: value('value'), customer_id: value('customerId') }),
);

export async function findCustomer(db: Db, id: string): Promise<Customer | undefined> {
  const row = await db.selectFrom('customers').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
  return row ? { ...row, identifiers: await identifiersOf(db, id) } : undefined;
}

/**
 * The customer with every identifier of theirs and how many interactions they have had, in one read: what a
 * card shows of its customer.
 */
export async function findCustomerWithCount(db: Db, id: string): Promise<(Customer & { interactionCount: number }) | undefined> {
  const rows = await customerWithCount.rows(db, { id });
  const first = rows[0];
  if (!first) return undefined;
  // A customer with no identifier left (merged away) comes back as one row of nulls for them.
  const identifiers = rows.flatMap((r) => (r.kind !== null && r.value !== null ? [{ kind: r.kind as CustomerIdentifier['kind'], value: r.value }] : []));
  return { id: first.id, name: first.name, identifiers, interactionCount: Number(first.interaction_count ?? 0) };
}

export async function renameCustomer(db: Db, id: string, name: string): Promise<void> {
  await db.updateTable('customers').set({ name }).where('id', '=', id).execute();
}

async function identifiersOf(db: Db, customerId: string): Promise<CustomerIdentifier[]> {
  return (await identifiersOfMany(db, [customerId])).get(customerId) ?? [];
}

/**
 * Customers that may be the same person: sharing a name (case-insensitive) or an identifier value, or
 * matching the agent's search text in name or identifier. At most `limit`, never `excludeId`, and never a
 * customer in an open interaction (another agent's live call: not one to list, nor to merge; see
 * `findCustomerNotInOpenInteraction`).
 * Each condition is one indexed lookup (lower(name), identifier value), so this stays cheap with millions
 * of customers; only the agent's free-text search looks inside names.
 */
export async function likelyDuplicates(db: Db, excludeId: string, by: { names: string[]; values: string[]; text?: string }, limit: number): Promise<Customer[]> {
  const names = [...new Set(by.names.map((n) => n.trim().toLowerCase()).filter(Boolean))];
  const values = [...new Set([...by.values, ...(by.text?.trim() ? [by.text.trim().toLowerCase()] : [])])];
  const text = by.text?.trim().toLowerCase().replace(/[%_]/g, '');
  if (!names.length && !values.length && !text) return [];
  const rows = await duplicatesOf({ names: names.length, values: values.length, text: !!text }).rows(db, { excludeId, limit, names, values, text: text ? `%${text}%` : '' });
  const identifiers = await identifiersOfMany(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ ...r, identifiers: identifiers.get(r.id) ?? [] }));
}

// Prepared per number of names and values looked for (preparedQuery.ts): every card of an open call looks.
const duplicatesOf = preparedShapes(
  (shape: { names: number; values: number; text: boolean }) => `${shape.names}/${shape.values}/${shape.text}`,
  (shape) =>
    preparedQuery<{ excludeId: string; limit: number; names: string[]; values: string[]; text: string }>()((db, value) =>
      db
        .selectFrom('customers as c')
        .select(['c.id', 'c.name'])
        .where('c.id', '!=', value('excludeId'))
        .where((eb) => eb.not(eb.exists(openInteractionOf(eb, 'c.id'))))
        .where((eb) =>
          eb.or([
            ...(shape.names ? [eb(eb.fn('lower', ['c.name']), 'in', value.list('names', shape.names))] : []),
            ...(shape.values ? [eb('c.id', 'in', eb.selectFrom('customer_identifiers').select('customer_id').where('value', 'in', value.list('values', shape.values)))] : []),
            ...(shape.text ? [eb(eb.fn('lower', ['c.name']), 'like', value('text'))] : []),
          ]),
        )
        .orderBy((eb) => eb.fn('lower', ['c.name']))
        .orderBy('c.id')
        .limit(value('limit')),
    ),
);

async function identifiersOfMany(db: Db, customerIds: string[]): Promise<Map<string, CustomerIdentifier[]>> {
  const byCustomer = new Map<string, CustomerIdentifier[]>();
  if (!customerIds.length) return byCustomer;
  const rows = await identifiersOfCustomers(customerIds.length).rows(db, { customerIds });
  for (const r of rows) {
    const list = byCustomer.get(r.customer_id) ?? [];
    list.push({ kind: r.kind as CustomerIdentifier['kind'], value: r.value });
    byCustomer.set(r.customer_id, list);
  }
  return byCustomer;
}

// Prepared per number of customers (preparedQuery.ts): the likely duplicates on every card of an open call.
const identifiersOfCustomers = preparedShapes(String, (count: number) =>
  preparedQuery<{ customerIds: string[] }>()((db, value) =>
    db.selectFrom('customer_identifiers').select(['customer_id', 'kind', 'value']).where('customer_id', 'in', value.list('customerIds', count)).orderBy('kind').orderBy('value'),
  ),
);

/**
 * The customer, if it is in no open interaction (a call or its After Call Work): one lookup, so a customer
 * that is in one and a customer that does not exist take the same query and give the same answer.
 */
export async function findCustomerNotInOpenInteraction(db: Db, id: string): Promise<Customer | undefined> {
  const row = await db
    .selectFrom('customers as c')
    .select(['c.id', 'c.name'])
    .where('c.id', '=', id)
    .where((eb) => eb.not(eb.exists(openInteractionOf(eb, 'c.id'))))
    .executeTakeFirst();
  return row ? { ...row, identifiers: await identifiersOf(db, id) } : undefined;
}

function openInteractionOf(eb: ExpressionBuilder<Database & { c: Database['customers'] }, 'c'>, customerId: 'c.id') {
  return eb.selectFrom('interactions as oi').select('oi.id').whereRef('oi.customer_id', '=', customerId).where('oi.state', '!=', 'completed');
}

/** Moves everything of `from` (its identifiers and interactions, with their links) to `into`, and removes `from`. */
export async function mergeCustomers(db: Db, into: string, from: string): Promise<void> {
  await db.updateTable('customer_identifiers').set({ customer_id: into }).where('customer_id', '=', from).execute();
  await db.updateTable('interactions').set({ customer_id: into }).where('customer_id', '=', from).execute();
  await db.deleteFrom('customers').where('id', '=', from).execute();
}

/** How many interactions a customer has had. */
export async function interactionCount(db: Db, customerId: string): Promise<number> {
  const row = await db
    .selectFrom('interactions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
