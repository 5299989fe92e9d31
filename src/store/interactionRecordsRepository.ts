import type { ExpressionBuilder } from 'kysely';
import { RECORD_ROLES, type CanonicalFields, type FieldValue, type RecordRef, type RecordRole } from '../domain/crmRecord.js';
import type { InteractionRecordLink, RecordOrigin } from '../domain/interaction.js';
import type { Db } from './db.js';
import { preparedQuery, preparedShapes } from './preparedQuery.js';
import type { Database, InteractionRecordsTable } from './schema.js';

/*
 * The records on an interaction's card (interaction_records): what the data dip and the agent put there,
 * whether each is linked, the snapshot the card shows, and the records of earlier interactions
 * (Related Interactions).
 */

type LinkRow = Omit<InteractionRecordsTable, 'position' | 'activities' | 'role' | 'canonical' | 'display'> & {
  activities?: string;
  role?: string;
  canonical?: string;
  display?: string;
};

function toLink(row: LinkRow): InteractionRecordLink {
  const role = RECORD_ROLES.includes(row.role as RecordRole) ? (row.role as RecordRole) : 'other';
  return {
    role,
    typeLabel: row.type_label ?? undefined,
    canonical: row.canonical ? (JSON.parse(row.canonical) as CanonicalFields) : {},
    display: row.display ? (JSON.parse(row.display) as Record<string, string>) : {},
    interactionId: row.interaction_id,
    recordType: row.record_type,
    recordId: row.record_id,
    linked: row.linked === 1,
    origin: row.origin as RecordOrigin,
    label: row.label,
    fields: JSON.parse(row.snapshot) as Record<string, FieldValue>,
    activities: row.activities ? (JSON.parse(row.activities) as Array<{ subject: string; when: string }>) : [],
  };
}

export async function setRecordActivities(db: Db, interactionId: string, ref: RecordRef, activities: Array<{ subject: string; when: string }>): Promise<void> {
  await db
    .updateTable('interaction_records')
    .set({ activities: JSON.stringify(activities) })
    .where('interaction_id', '=', interactionId)
    .where('record_type', '=', ref.type)
    .where('record_id', '=', ref.id)
    .execute();
}

// Prepared (preparedQuery.ts): every card drawn reads its records.
const linksOf = preparedQuery<{ interactionId: string }>()((db, value) => db.selectFrom('interaction_records').selectAll().where('interaction_id', '=', value('interactionId')).orderBy('position'));

export async function listRecordLinks(db: Db, interactionId: string): Promise<InteractionRecordLink[]> {
  const rows = await linksOf.rows(db, { interactionId });
  return rows.map(toLink);
}

export async function findRecordLink(db: Db, interactionId: string, ref: RecordRef): Promise<InteractionRecordLink | undefined> {
  const row = await db.selectFrom('interaction_records').selectAll().where('interaction_id', '=', interactionId).where('record_type', '=', ref.type).where('record_id', '=', ref.id).executeTakeFirst();
  return row ? toLink(row) : undefined;
}

/**
 * Adds records to an interaction's card. A record already there keeps its place and link state; only its
 * label and snapshot are refreshed (a newer read of the same record).
 */
export async function putRecordLinks(db: Db, links: InteractionRecordLink[]): Promise<void> {
  if (links.length === 0) return;
  const top = await db
    .selectFrom('interaction_records')
    .select((eb) => eb.fn.max<number>('position').as('p'))
    .where('interaction_id', '=', links[0]!.interactionId)
    .executeTakeFirst();
  let position = Number(top?.p ?? 0);
  for (const link of links) {
    position += 1;
    await db
      .insertInto('interaction_records')
      .values(recordRow(link, position))
      .onConflict((oc) => oc.columns(['interaction_id', 'record_type', 'record_id']).doUpdateSet({ label: link.label, snapshot: JSON.stringify(link.fields), ...snapshotOf(link) }))
      .execute();
  }
}

/**
 * The records of an interaction created in this turn, with their activities, in one insert per 16 (its card
 * holds nothing yet, so there is no place to keep and no row to refresh): what the call's data dip found.
 */
export async function putFirstRecordLinks(db: Db, links: InteractionRecordLink[]): Promise<void> {
  for (let start = 0; start < links.length; start += FIRST_LINKS_PER_INSERT) {
    const chunk = links.slice(start, start + FIRST_LINKS_PER_INSERT);
    const snapshots = chunk.map(snapshotOf);
    await insertFirstLinks(chunk.length).run(db, {
      interactionId: chunk.map((l) => l.interactionId),
      recordType: chunk.map((l) => l.recordType),
      recordId: chunk.map((l) => l.recordId),
      linked: chunk.map((l) => (l.linked ? 1 : 0)),
      origin: chunk.map((l) => l.origin),
      label: chunk.map((l) => l.label),
      snapshot: chunk.map((l) => JSON.stringify(l.fields)),
      position: chunk.map((_, i) => start + i + 1),
      role: snapshots.map((s) => s.role),
      typeLabel: snapshots.map((s) => s.type_label),
      canonical: snapshots.map((s) => s.canonical),
      display: snapshots.map((s) => s.display),
      activities: chunk.map((l) => JSON.stringify(l.activities ?? [])),
    });
  }
}

// Prepared per count (preparedQuery.ts): every call whose data dip finds records writes them. Each column's
// values as a list; a card's first records are few, 16 per statement keeps the shapes few.
const FIRST_LINKS_PER_INSERT = 16;
type FirstLinkColumns = {
  interactionId: string[];
  recordType: string[];
  recordId: string[];
  linked: number[];
  origin: string[];
  label: string[];
  snapshot: string[];
  position: number[];
  role: string[];
  typeLabel: Array<string | null>;
  canonical: string[];
  display: string[];
  activities: string[];
};
const insertFirstLinks = preparedShapes(String, (count: number) =>
  preparedQuery<FirstLinkColumns>()((db, value) => {
    const column = <K extends keyof FirstLinkColumns>(name: K) => value.list(name, count);
    const [ids, types, recordIds, linked, origins, labels, snapshots, positions, roles, typeLabels, canonicals, displays, activities] = [
      column('interactionId'),
      column('recordType'),
      column('recordId'),
      column('linked'),
      column('origin'),
      column('label'),
      column('snapshot'),
      column('position'),
      column('role'),
      column('typeLabel'),
      column('canonical'),
      column('display'),
      column('activities'),
    ];
    return db.insertInto('interaction_records').values(
      ids.map((id, i) => ({
        interaction_id: id,
        interaction_started_at: (eb: ExpressionBuilder<Database, 'interaction_records'>) => eb.selectFrom('interactions').select('started_at').where('id', '=', id),
        record_type: types[i]!,
        record_id: recordIds[i]!,
        linked: linked[i]!,
        origin: origins[i]!,
        label: labels[i]!,
        snapshot: snapshots[i]!,
        position: positions[i]!,
        role: roles[i]!,
        type_label: typeLabels[i]!,
        canonical: canonicals[i]!,
        display: displays[i]!,
        activities: activities[i]!,
      })),
    );
  }),
);

/** A record's row on a card, at its place, with its interaction's start read from the interaction (written before its records). */
function recordRow(link: InteractionRecordLink, position: number) {
  return {
    interaction_id: link.interactionId,
    interaction_started_at: (eb: ExpressionBuilder<Database, 'interaction_records'>) => eb.selectFrom('interactions').select('started_at').where('id', '=', link.interactionId),
    record_type: link.recordType,
    record_id: link.recordId,
    linked: link.linked ? 1 : 0,
    origin: link.origin,
    label: link.label,
    snapshot: JSON.stringify(link.fields),
    position,
    ...snapshotOf(link),
  };
}

/** The canonical part of a link's snapshot, as stored (migration 014). */
function snapshotOf(link: InteractionRecordLink) {
  return {
    role: link.role ?? 'other',
    type_label: link.typeLabel ?? null,
    canonical: JSON.stringify(link.canonical ?? {}),
    display: JSON.stringify(link.display ?? {}),
  };
}

export async function setLinked(db: Db, interactionId: string, ref: RecordRef, linked: boolean): Promise<void> {
  await db
    .updateTable('interaction_records')
    .set({ linked: linked ? 1 : 0 })
    .where('interaction_id', '=', interactionId)
    .where('record_type', '=', ref.type)
    .where('record_id', '=', ref.id)
    .execute();
}

/** Records linked in the customer's earlier interactions (SPEC: Related Interactions). */
export async function recordsFromCustomerHistory(db: Db, customerId: string, excludeInteractionId: string, limit: number): Promise<Array<InteractionRecordLink & { startedAt: string }>> {
  const rows = await customerLinksOf.rows(db, { customerId, excludeInteractionId, limit });
  return rows.map((row) => ({ ...toLink(row), startedAt: row.started_at }));
}

// Prepared (preparedQuery.ts): every call of a known customer whose data dip links a record, and every Link, reads it.
const customerLinksOf = preparedQuery<{ customerId: string; excludeInteractionId: string; limit: number }>()((db, value) =>
  db
    .selectFrom('interactions as i')
    .innerJoin('interaction_records as r', 'r.interaction_id', 'i.id')
    .selectAll('r')
    .select('i.started_at')
    .where('i.customer_id', '=', value('customerId'))
    .where('i.id', '!=', value('excludeInteractionId'))
    .where('i.state', '=', 'completed')
    .where('r.linked', '=', 1)
    .orderBy('i.started_at', 'desc')
    .limit(value('limit')),
);

/** Records linked in earlier interactions that also linked `ref` (SPEC: Related Interactions). */
export async function recordsFromEarlierInteractions(db: Db, ref: RecordRef, excludeInteractionId: string, limit: number): Promise<Array<InteractionRecordLink & { startedAt: string }>> {
  const rows = await earlierLinksOf.rows(db, { type: ref.type, id: ref.id, excludeInteractionId, limit });
  return rows.map((row) => ({ ...toLink(row), startedAt: row.started_at }));
}

// Prepared (preparedQuery.ts): every call whose data dip links a record reads its history.
const earlierLinksOf = preparedQuery<{ type: string; id: string; excludeInteractionId: string; limit: number }>()((db, value) =>
  db
    .selectFrom('interaction_records as mine')
    .innerJoin('interactions as i', 'i.id', 'mine.interaction_id')
    .innerJoin('interaction_records as other', 'other.interaction_id', 'mine.interaction_id')
    .selectAll('other')
    .select('i.started_at')
    .where('mine.record_type', '=', value('type'))
    .where('mine.record_id', '=', value('id'))
    .where('mine.linked', '=', 1)
    .where('other.linked', '=', 1)
    .where('i.id', '!=', value('excludeInteractionId'))
    .where('i.state', '=', 'completed')
    // The same time as the interaction's, in the index by record (migration 031): read newest first, up to the limit.
    .orderBy('mine.interaction_started_at', 'desc')
    .limit(value('limit')),
);
