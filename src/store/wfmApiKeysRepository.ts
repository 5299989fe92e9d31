import type { Db } from './db.js';
import type { WfmApiKeysTable } from './schema.js';

/**
 * The WFM systems' API keys (migration 022): one row per consumer, the key kept only as a hash. A key issued
 * again for the same consumer replaces the row (new id, new hash, not revoked): the old key stops working.
 */

/** What may be shown of a key: never its hash. */
export interface WfmApiKeyInfo {
  id: string;
  consumer: string;
  createdAt: string;
  revokedAt: string | null;
}

const infoOf = (row: WfmApiKeysTable): WfmApiKeyInfo => ({ id: row.id, consumer: row.consumer, createdAt: row.created_at, revokedAt: row.revoked_at });

export async function putWfmApiKey(db: Db, key: { id: string; consumer: string; keyHash: string; createdAt: string }): Promise<void> {
  await db
    .insertInto('wfm_api_keys')
    .values({ id: key.id, consumer: key.consumer, key_hash: key.keyHash, created_at: key.createdAt, revoked_at: null })
    .onConflict((oc) => oc.column('consumer').doUpdateSet({ id: key.id, key_hash: key.keyHash, created_at: key.createdAt, revoked_at: null }))
    .execute();
}

/** The key with this id and its hash, revoked or not (the caller decides, after the same work either way). */
export async function findWfmApiKey(db: Db, id: string): Promise<(WfmApiKeyInfo & { keyHash: string }) | undefined> {
  const row = await db.selectFrom('wfm_api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row && { ...infoOf(row), keyHash: row.key_hash };
}

/** Marks the consumer's key revoked; false when it has none or it already was. */
export async function revokeWfmApiKey(db: Db, consumer: string, revokedAt: string): Promise<boolean> {
  const result = await db.updateTable('wfm_api_keys').set({ revoked_at: revokedAt }).where('consumer', '=', consumer).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function listWfmApiKeys(db: Db): Promise<WfmApiKeyInfo[]> {
  const rows = await db.selectFrom('wfm_api_keys').selectAll().orderBy('consumer').execute();
  return rows.map(infoOf);
}
