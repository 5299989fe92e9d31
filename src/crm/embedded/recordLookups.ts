import type { CrmRecord } from '../../domain/crmRecord.js';
import { preparedQuery, preparedShapes } from '../../store/preparedQuery.js';
import type { Db } from './recordStore.js';
import { toRecord } from './recordStore.js';

/*
 * The embedded CRM's lookups through its keys (crm_record_keys) that every call's data dip runs: the caller's
 * number, the open cases of who was found, their latest activities. Prepared (src/store/preparedQuery.ts).
 */

/** The records with the key (kind, value): what each lookup below narrows and orders. */
function withKey(db: Db, kind: string, keyValue: string) {
  return db.selectFrom('crm_record_keys as k').innerJoin('crm_records as r', 'r.id', 'k.record_id').selectAll('r').where('k.kind', '=', kind).where('k.value', '=', keyValue);
}

/** Records of `types` with the key (kind, value), by type and name; at most 200. */
export async function recordsByKey(db: Db, kind: string, value: string, types: readonly string[]): Promise<CrmRecord[]> {
  return (await byKeyOfTypes(types.length).rows(db, { kind, value, types })).map(toRecord);
}

// One per number of types asked for (two or three: a phone or an email).
const byKeyOfTypes = preparedShapes(String, (count: number) =>
  preparedQuery<{ kind: string; value: string; types: readonly string[] }>()((db, value) =>
    withKey(db, value('kind'), value('value')).where('k.record_type', 'in', value.list('types', count)).orderBy('r.type').orderBy('r.name_lower').limit(200),
  ),
);

/** Records of one type with the key (kind, value), newest first. */
export async function recordsOfTypeByKey(db: Db, kind: string, value: string, type: string): Promise<CrmRecord[]> {
  return (await byKeyOfType.rows(db, { kind, value, type })).map(toRecord);
}

const byKeyOfType = preparedQuery<{ kind: string; value: string; type: string }>()((db, value) =>
  withKey(db, value('kind'), value('value')).where('r.type', '=', value('type')).orderBy('r.created_at', 'desc'),
);

/** The latest `limit` records with the key (kind, value), of any type, newest first. */
export async function latestByKey(db: Db, kind: string, value: string, limit: number): Promise<CrmRecord[]> {
  return (await latestWithKey.rows(db, { kind, value, limit })).map(toRecord);
}

const latestWithKey = preparedQuery<{ kind: string; value: string; limit: number }>()((db, value) =>
  withKey(db, value('kind'), value('value')).orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(value('limit')),
);
