import type { DigitalChannel, DigitalIntegration, DigitalKind } from '../domain/digital.js';
import type { Db } from './db.js';
import type { DigitalChannelsTable, DigitalIntegrationsTable } from './schema.js';

/*
 * What the channels API keeps (migration 019): the integrations (their issued secret only as a hash), the
 * access tokens they obtained (only as hashes), and the channels they registered.
 */

/** An integration with the hash of its secret: what verifying a client needs, and nothing that leaves this layer. */
export interface IntegrationCredentials {
  integration: DigitalIntegration;
  clientSecretHash: string;
}

const integrationOf = (row: DigitalIntegrationsTable): DigitalIntegration => ({
  id: row.id,
  name: row.name,
  clientId: row.client_id,
  boxUrl: row.box_url,
  authorizationUrl: row.authorization_url,
  outboundClientId: row.outbound_client_id,
  outboundSecretEnv: row.outbound_secret_env,
  createdAt: row.created_at,
});

export async function findIntegration(db: Db, id: string): Promise<DigitalIntegration | undefined> {
  const row = await db.selectFrom('digital_integrations').selectAll().where('id', '=', id).executeTakeFirst();
  return row && integrationOf(row);
}

export async function findIntegrationCredentials(db: Db, clientId: string): Promise<IntegrationCredentials | undefined> {
  const row = await db.selectFrom('digital_integrations').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  return row && { integration: integrationOf(row), clientSecretHash: row.client_secret_hash };
}

export async function listIntegrations(db: Db): Promise<DigitalIntegration[]> {
  const rows = await db.selectFrom('digital_integrations').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(integrationOf);
}

/** Writes an integration: a new one, or an existing one's settings and secret hash (its id, client id and creation stay). */
export async function putIntegration(db: Db, integration: DigitalIntegration, clientSecretHash: string): Promise<void> {
  await db
    .insertInto('digital_integrations')
    .values({
      id: integration.id,
      name: integration.name,
      client_id: integration.clientId,
      client_secret_hash: clientSecretHash,
      box_url: integration.boxUrl,
      authorization_url: integration.authorizationUrl,
      outbound_client_id: integration.outboundClientId,
      outbound_secret_env: integration.outboundSecretEnv,
      created_at: integration.createdAt,
    })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        name: integration.name,
        client_secret_hash: clientSecretHash,
        box_url: integration.boxUrl,
        authorization_url: integration.authorizationUrl,
        outbound_client_id: integration.outboundClientId,
        outbound_secret_env: integration.outboundSecretEnv,
      }),
    )
    .execute();
}

/** Points an existing integration's box at `boxUrl` (its secret stays); false when there is no such integration. */
export async function moveIntegrationBox(db: Db, id: string, boxUrl: string): Promise<boolean> {
  const result = await db.updateTable('digital_integrations').set({ box_url: boxUrl }).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function insertAccessToken(db: Db, token: { tokenHash: string; integrationId: string; expiresAt: string }): Promise<void> {
  await db.insertInto('digital_access_tokens').values({ token_hash: token.tokenHash, integration_id: token.integrationId, expires_at: token.expiresAt }).execute();
}

/** The integration a token (by its hash) was issued to, while it has not expired. */
export async function integrationOfToken(db: Db, tokenHash: string, now: string): Promise<string | undefined> {
  const row = await db.selectFrom('digital_access_tokens').select('integration_id').where('token_hash', '=', tokenHash).where('expires_at', '>', now).executeTakeFirst();
  return row?.integration_id;
}

export async function deleteExpiredTokens(db: Db, now: string): Promise<number> {
  const result = await db.deleteFrom('digital_access_tokens').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

const channelOf = (row: DigitalChannelsTable): DigitalChannel => ({
  id: row.id,
  integrationId: row.integration_id,
  idOnExternalPlatform: row.id_on_external_platform,
  channelIntegrationId: row.channel_integration_id,
  realExternalPlatformId: row.real_external_platform_id,
  name: row.name,
  isPrivate: row.is_private === 1,
  hasTreeStructure: row.has_tree_structure === 1,
  kind: row.kind as DigitalKind,
  skill: row.skill,
});

export async function findChannel(db: Db, id: string): Promise<DigitalChannel | undefined> {
  const row = await db.selectFrom('digital_channels').selectAll().where('id', '=', id).executeTakeFirst();
  return row && channelOf(row);
}

export async function listChannelsOf(db: Db, integrationId: string): Promise<DigitalChannel[]> {
  const rows = await db.selectFrom('digital_channels').selectAll().where('integration_id', '=', integrationId).orderBy('created_at').orderBy('id').execute();
  return rows.map(channelOf);
}

export type ChannelPut = 'created' | 'updated' | 'taken';

/**
 * Registers a channel, or updates it when its integration registers it again. The insert decides who
 * created it, so two concurrent first registrations cannot both win; `taken`: another integration owns the id.
 */
export async function putChannel(db: Db, channel: DigitalChannel, now: string): Promise<ChannelPut> {
  const fields = {
    id_on_external_platform: channel.idOnExternalPlatform,
    channel_integration_id: channel.channelIntegrationId,
    real_external_platform_id: channel.realExternalPlatformId,
    name: channel.name,
    is_private: channel.isPrivate ? 1 : 0,
    has_tree_structure: channel.hasTreeStructure ? 1 : 0,
    kind: channel.kind,
    skill: channel.skill,
    updated_at: now,
  };
  const inserted = await db
    .insertInto('digital_channels')
    .values({ id: channel.id, integration_id: channel.integrationId, created_at: now, ...fields })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return 'created';
  const updated = await db.updateTable('digital_channels').set(fields).where('id', '=', channel.id).where('integration_id', '=', channel.integrationId).executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0 ? 'updated' : 'taken';
}
