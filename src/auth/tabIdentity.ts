import type { IncomingHttpHeaders } from 'node:http';
import type { TabIdentityConfig } from './tabConfig.js';
import { createSsoVerifier, TokenRefused, type SsoVerifier } from './ssoToken.js';

/** The header the local identity picker sends. Honoured only when the bot runs without BOT_ID. */
export const LOCAL_AGENT_HEADER = 'x-local-agent-id';

/** The agent a tab request comes from. */
export interface TabCaller {
  agentId: string;
  /** From the SSO token; undefined for a locally picked identity. */
  name: string | undefined;
  via: 'sso' | 'local';
  /** When the proof of identity runs out (the token's expiry); a live stream ends then, to be renewed. */
  expiresAt: Date | undefined;
}

/** A tab request that does not say, or prove, who it comes from. */
export class Unauthenticated extends Error {
  constructor(readonly reason: string) {
    super(`unauthenticated: ${reason}`);
    this.name = 'Unauthenticated';
  }
}

export interface TabIdentity {
  /** `sso`: requests carry a Teams SSO token. `local`: no BOT_ID, the person picks who they are. */
  readonly mode: 'sso' | 'local';
  /** Why nobody can get in, when that is so (BOT_ID set, the tab's Entra app not configured). */
  readonly problem?: string;
  /** Who is asking; throws Unauthenticated (or SignInUnavailable when the keys are out of reach). */
  identify(headers: IncomingHttpHeaders): Promise<TabCaller>;
}

const LOCAL_ID = /^[\x21-\x7e]{1,200}$/;

/** Builds how the tab's requests are identified, from the configuration (see TabIdentityConfig). */
export function createTabIdentity(config: TabIdentityConfig, verifier?: SsoVerifier): TabIdentity {
  if (config.mode === 'local') {
    return {
      mode: 'local',
      async identify(headers) {
        const picked = single(headers[LOCAL_AGENT_HEADER])?.trim();
        if (!picked) throw new Unauthenticated('no identity picked: choose who you are in the local identity picker');
        if (!LOCAL_ID.test(picked)) throw new Unauthenticated('the picked identity is not an agent id');
        return { agentId: picked, name: undefined, via: 'local', expiresAt: undefined };
      },
    };
  }
  const verify = verifier ?? (config.sso ? createSsoVerifier(config.sso) : undefined);
  const problem = verify ? undefined : "the tab's sign-in is not configured on the server: set AAD_APP_CLIENT_ID and AAD_APP_TENANT_ID";
  return {
    mode: 'sso',
    problem,
    async identify(headers) {
      if (!verify) throw new Unauthenticated(problem!);
      const match = /^Bearer\s+(\S+)\s*$/i.exec(single(headers.authorization) ?? '');
      if (!match) throw new Unauthenticated('sign-in required: open the tab in Teams');
      try {
        const identity = await verify(match[1]!);
        return { agentId: identity.agentId, name: identity.name, via: 'sso', expiresAt: identity.expiresAt };
      } catch (error) {
        if (error instanceof TokenRefused) throw new Unauthenticated(error.reason);
        throw error;
      }
    },
  };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
