import type { UnitOfWork } from '../store/unitOfWork.js';
import { randomSecret, tokenHash } from './secrets.js';

/** The longest bearer token looked at: ours are 43 characters; anything far longer is not one of them. */
const MAX_TOKEN_LENGTH = 200;

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

/**
 * Access tokens of the client credentials grant: random, stored only as their SHA-256, valid for the
 * configured lifetime. Expired rows are deleted when a new token is issued, so the table does not grow.
 */
export class AccessTokens {
  constructor(private readonly deps: { unit: UnitOfWork; clock: () => Date; ttlSeconds: number }) {}

  async issue(integrationId: string): Promise<IssuedToken> {
    const accessToken = randomSecret();
    const now = this.deps.clock();
    const expiresAt = new Date(now.getTime() + this.deps.ttlSeconds * 1000).toISOString();
    await this.deps.unit.run(async (repos) => {
      await repos.digitalIngress.deleteExpiredTokens(now.toISOString());
      await repos.digitalIngress.insertToken({ tokenHash: tokenHash(accessToken), integrationId, expiresAt });
    });
    return { accessToken, expiresIn: this.deps.ttlSeconds };
  }

  /** The integration a live token was issued to; undefined for an unknown, expired or malformed one. */
  async integrationOf(accessToken: string): Promise<string | undefined> {
    if (!accessToken || accessToken.length > MAX_TOKEN_LENGTH) return undefined;
    return this.deps.unit.repos.digitalIngress.integrationOfToken(tokenHash(accessToken), this.deps.clock().toISOString());
  }
}
