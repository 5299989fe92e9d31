import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';

/** Who a valid Teams SSO token names: the agent is the token's `oid`, the Entra object id the bot uses too. */
export interface SsoIdentity {
  agentId: string;
  tenantId: string;
  name: string | undefined;
  expiresAt: Date;
}

/** A token that does not let its bearer in, with the reason in words (safe to show: it reveals no data). */
export class TokenRefused extends Error {
  constructor(readonly reason: string) {
    super(`token refused: ${reason}`);
    this.name = 'TokenRefused';
  }
}

/** The token could not be checked at all (the tenant's keys are out of reach): not the bearer's fault. */
export class SignInUnavailable extends Error {
  constructor(cause: unknown) {
    super("the tenant's signing keys could not be fetched", { cause });
    this.name = 'SignInUnavailable';
  }
}

export interface SsoVerifierOptions {
  /** Tenants whose people may sign in (each token's `tid`, and its issuer, must be one of them). */
  tenantIds: readonly string[];
  /** What the token's `aud` may be: the app ID URI api://<domain>/<client id> (v1 tokens) and the client id (v2). */
  audiences: readonly string[];
  /** The signing keys: the tenant's published key set, or a local one. */
  keys: { kind: 'remote'; url: string } | { kind: 'local'; jwks: { keys: Array<Record<string, unknown>> } };
  clockToleranceSeconds?: number;
}

export type SsoVerifier = (token: string) => Promise<SsoIdentity>;

/** The issuers Entra ID uses for a tenant: v2.0 tokens and v1 tokens. */
export function issuersOf(tenantId: string): string[] {
  return [`https://login.microsoftonline.com/${tenantId}/v2.0`, `https://sts.windows.net/${tenantId}/`];
}

/**
 * Checks a Teams SSO token (what `authentication.getAuthToken()` gives the tab) before anything is revealed:
 * the signature against the tenant's keys, the issuer, the audience, the tenant, the expiry, and that it is
 * a delegated token (it has `scp`: a person signed in, not an app). Resolves to the agent it names.
 */
export function createSsoVerifier(options: SsoVerifierOptions): SsoVerifier {
  const keySet =
    options.keys.kind === 'remote'
      ? createRemoteJWKSet(new URL(options.keys.url), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 })
      : createLocalJWKSet(options.keys.jwks as unknown as JSONWebKeySet);
  const tenants = new Set(options.tenantIds.map((t) => t.toLowerCase()));
  const issuers = options.tenantIds.flatMap(issuersOf);

  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keySet, {
        algorithms: ['RS256'],
        issuer: issuers,
        audience: [...options.audiences],
        requiredClaims: ['exp', 'oid', 'tid'],
        clockTolerance: options.clockToleranceSeconds ?? 120,
      }));
    } catch (error) {
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) throw new SignInUnavailable(error);
      throw new TokenRefused(reasonFor(error));
    }
    const tid = typeof payload.tid === 'string' ? payload.tid.toLowerCase() : '';
    if (!tenants.has(tid) || !issuersOf(tid).includes(String(payload.iss))) {
      throw new TokenRefused('the token is from a tenant that may not use this app');
    }
    if (typeof payload.scp !== 'string' || !payload.scp.trim()) {
      throw new TokenRefused("the token is not a person's (no delegated scope): sign in from Teams");
    }
    if (typeof payload.oid !== 'string' || !payload.oid) throw new TokenRefused('the token names no user (oid)');
    return {
      agentId: payload.oid,
      tenantId: tid,
      name: typeof payload.name === 'string' ? payload.name : undefined,
      expiresAt: new Date((payload.exp ?? 0) * 1000),
    };
  };
}

function reasonFor(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'the token is not for this app (audience)';
    if (error.claim === 'iss') return 'the token is from a tenant or issuer this app does not accept';
    if (error.claim === 'nbf') return 'the token is not valid yet';
    return `the token's ${error.claim} claim is missing or wrong`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return "the token's signature does not match the tenant's keys";
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm this app does not accept';
  if (error instanceof errors.JWKSInvalid) return "the tenant's signing keys could not be read";
  return 'the token is malformed';
}
