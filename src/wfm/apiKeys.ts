import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { describeIssues, invalidInput } from '../domain/errors.js';
import { hashSecret, randomSecret, secretMatches, tokenHash, unknownClientHash } from '../digital/secrets.js';
import type { WfmApiKeyInfo } from '../store/wfmApiKeysRepository.js';
import type { UnitOfWork } from '../store/unitOfWork.js';

export type { WfmApiKeyInfo };

/** A WFM system's name, as the admin gives it: what the key is issued to, listed and revoked by. */
export const consumerSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, '1 to 64 letters, digits and . _ - (starting with a letter or digit)');

/**
 * "wfm_<key id>_<secret>": the id (12 hex digits) finds the row, the secret (32 random bytes, base64url) is
 * checked against its scrypt hash. The id alone opens nothing, and a copy of the table hands out no key.
 */
const KEY_SHAPE = /^wfm_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** Consumers are a handful of WFM systems: the cache of proven keys never needs to be large. */
const MAX_PROVEN = 1000;

export interface IssuedWfmKey {
  consumer: string;
  /** Shown once: only its hash is kept. */
  key: string;
}

/**
 * The WFM systems' API keys (bearer tokens for /api/wfm): one per consumer, hashed at rest the way the
 * digital integrations' client secrets are (src/digital/secrets.ts).
 */
export class WfmApiKeys {
  /**
   * Keys already proven this process (by SHA-256 of the key) → the stored hash they matched. A WFM system
   * polls every few minutes: each request still reads its row (a revoked or replaced key fails at once), but
   * pays the scrypt only the first time.
   */
  private readonly proven = new Map<string, string>();

  constructor(private readonly deps: { unit: UnitOfWork; clock: () => Date }) {}

  /** Issues the consumer a new key; one they had stops working. */
  async issue(consumer: string): Promise<IssuedWfmKey> {
    const name = consumerSchema.safeParse(consumer);
    if (!name.success) throw invalidInput(`consumer: ${describeIssues(name.error.issues)}`);
    const id = randomBytes(6).toString('hex');
    const secret = randomSecret();
    await this.deps.unit.repos.wfmKeys.put({ id, consumer: name.data, keyHash: await hashSecret(secret), createdAt: this.deps.clock().toISOString() });
    return { consumer: name.data, key: `wfm_${id}_${secret}` };
  }

  /**
   * The consumer this key belongs to while it is not revoked, else null. A malformed, unknown or revoked key
   * costs the same scrypt as a good one, so neither the answer nor its timing says which it was.
   */
  async verify(key: string): Promise<string | null> {
    const dummy = await unknownClientHash();
    const parts = KEY_SHAPE.exec(key);
    const found = parts ? await this.deps.unit.repos.wfmKeys.find(parts[1]!) : undefined;
    const fingerprint = tokenHash(key);
    if (found && !found.revokedAt && this.proven.get(fingerprint) === found.keyHash) return found.consumer;
    const matches = await secretMatches(parts?.[2] ?? key.slice(0, 64), found?.keyHash ?? dummy);
    if (!found || !matches || found.revokedAt) return null;
    if (this.proven.size >= MAX_PROVEN) this.proven.clear();
    this.proven.set(fingerprint, found.keyHash);
    return found.consumer;
  }

  /** Revokes the consumer's key; false when they have none in force. */
  async revoke(consumer: string): Promise<boolean> {
    const name = consumerSchema.safeParse(consumer);
    if (!name.success) throw invalidInput(`consumer: ${describeIssues(name.error.issues)}`);
    return this.deps.unit.repos.wfmKeys.revoke(name.data, this.deps.clock().toISOString());
  }

  /** Every consumer's key, without secret or hash. */
  list(): Promise<WfmApiKeyInfo[]> {
    return this.deps.unit.repos.wfmKeys.list();
  }
}
