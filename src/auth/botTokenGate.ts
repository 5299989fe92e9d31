import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet } from 'jose';

/** The issuer of the tokens the Bot Framework channel service (the one Teams speaks through) signs. */
export const BOT_FRAMEWORK_CHANNEL_ISSUER = 'https://api.botframework.com';
/** The algorithms the Bot Framework signs with (the library's own list). */
const ALGORITHMS = ['RS256', 'RS384', 'RS512'];
/** The library's tolerance for clocks apart, so that a token it would accept is never refused here. */
const CLOCK_TOLERANCE_SECONDS = 5 * 60;
/**
 * Keys are fetched again after this long, or when a token names a key not seen, at most once a minute; with
 * no keys at all (the first fetch failed), every few seconds, so that Teams is not refused for long.
 */
const KEYS_MAX_AGE_MS = 60 * 60_000;
const KEYS_COOLDOWN_MS = 60_000;
const NO_KEYS_RETRY_MS = 5_000;
const FETCH_TIMEOUT_MS = 5_000;

/** A token refused, with the reason in words (for the log: the client is told only "unauthorized"). */
export class BotTokenRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'BotTokenRefused';
  }
}

type Key = Record<string, unknown> & { kid?: string; endorsements?: unknown };

export interface BotTokenGateOptions {
  /** The bot's Microsoft app ID: what the token's audience must be. */
  appId: string;
  /** The OpenID metadata document naming the key set (jwks_uri). */
  openIdMetadataUrl: string;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * Checks a Bot Framework channel token before the Bot Framework library sees it: a `Bearer` token, signed by
 * a key of the channel's published key set with an allowed algorithm, from the channel's issuer, for this
 * bot, not expired, and with a key endorsed for the activity's channel. Why in front of the library, which
 * checks the same: for a forged token the library prints a stack trace to the console, and when the keys
 * cannot be fetched it fails with its own error text. Here each refusal is a reason in words, and the
 * library only ever sees tokens that pass (it then checks them again, by its own rules).
 */
export function createBotTokenGate(options: BotTokenGateOptions): (authorization: string | undefined, channelId: string | undefined) => Promise<void> {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  let keys: { byKid: Map<string, Key>; set: ReturnType<typeof createLocalJWKSet>; fetchedAt: number } | undefined;
  let lastAttempt = -Infinity;
  let pending: Promise<void> | undefined;

  const refresh = (): Promise<void> => {
    pending ??= (async () => {
      lastAttempt = now();
      try {
        const metadata = (await fetchJson(doFetch, options.openIdMetadataUrl)) as { jwks_uri?: unknown };
        if (typeof metadata.jwks_uri !== 'string') throw new Error('the OpenID metadata names no jwks_uri');
        const jwks = (await fetchJson(doFetch, metadata.jwks_uri)) as JSONWebKeySet;
        if (!Array.isArray(jwks.keys)) throw new Error('the key set holds no keys');
        const byKid = new Map<string, Key>();
        for (const key of jwks.keys as Key[]) if (typeof key.kid === 'string') byKid.set(key.kid, key);
        keys = { byKid, set: createLocalJWKSet(jwks), fetchedAt: now() };
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };

  const keyFor = async (kid: string): Promise<Key | undefined> => {
    const stale = !keys || now() - keys.fetchedAt > KEYS_MAX_AGE_MS || !keys.byKid.has(kid);
    if (stale && now() - lastAttempt >= (keys ? KEYS_COOLDOWN_MS : NO_KEYS_RETRY_MS)) {
      // A failed fetch keeps the keys held before it: a token they check is still checked.
      await refresh().catch((error: unknown) => {
        if (!keys) throw new BotTokenRefused(`the Bot Framework's signing keys could not be fetched (${error instanceof Error ? error.message : String(error)})`);
      });
    }
    if (!keys) throw new BotTokenRefused("the Bot Framework's signing keys could not be fetched (retried every few seconds)");
    return keys.byKid.get(kid);
  };

  return async (authorization, channelId) => {
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization?.trim() ?? '');
    if (!match) throw new BotTokenRefused(authorization ? 'the Authorization header is not a Bearer token' : 'no Authorization header');
    const token = match[1]!;
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new BotTokenRefused('the token is malformed');
    }
    if (typeof kid !== 'string' || !kid) throw new BotTokenRefused('the token names no signing key (kid)');
    const key = await keyFor(kid);
    if (!key || !keys) throw new BotTokenRefused('the token is signed by a key the Bot Framework does not publish');
    try {
      await jwtVerify(token, keys.set, {
        algorithms: ALGORITHMS,
        issuer: BOT_FRAMEWORK_CHANNEL_ISSUER,
        audience: options.appId,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(now()),
      });
    } catch (error) {
      throw new BotTokenRefused(reasonFor(error));
    }
    const endorsements = Array.isArray(key.endorsements) ? key.endorsements : [];
    if (endorsements.length > 0 && (!channelId || !endorsements.includes(channelId))) {
      throw new BotTokenRefused("the signing key is not endorsed for the activity's channel");
    }
  };
}

async function fetchJson(doFetch: typeof fetch, url: string): Promise<unknown> {
  const response = await doFetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

function reasonFor(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'the token is not for this bot (audience)';
    if (error.claim === 'iss') return 'the token is not from the Bot Framework channel (issuer)';
    if (error.claim === 'nbf') return 'the token is not valid yet';
    return `the token's ${error.claim} claim is wrong`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the token's signature does not match the key it names";
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return 'the token is signed with an algorithm the Bot Framework does not use';
  if (error instanceof errors.JWKSNoMatchingKey) return 'the token is signed by a key the Bot Framework does not publish';
  return 'the token is malformed';
}
