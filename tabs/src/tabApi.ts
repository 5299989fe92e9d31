import type { TabView } from '../../src/tab/tabViews.js';

export type { TabView };

/** How the tab proves who it is: a Teams SSO token, or (local use only) the identity picked by hand. */
export type Credentials = { kind: 'sso'; token: () => Promise<string> } | { kind: 'local'; agentId: string };

export interface CardAnswer extends TabView {
  agent: { id: string; name: string | null };
  /** Whether this person is a supervisor: the tab then offers the wallboard. */
  supervisor?: boolean;
}

export interface KnownAgent {
  id: string;
  name: string;
  state: string;
}

/** A refused or failed request, with the server's reason in words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'ApiError';
  }
}

const LOCAL_AGENT_HEADER = 'X-Local-Agent-Id';
const SESSION_HEADER = 'X-Tab-Session';

/** The server side of the tab (/api/tab/*), as the identified agent. */
export class TabApi {
  constructor(
    private readonly credentials: Credentials,
    /** This page load's id: the server does not echo this tab's own clicks back to it. */
    readonly session: string,
  ) {}

  static async identityMode(): Promise<'sso' | 'local'> {
    const config = (await json(await send('tabs-config', '/tabs/config.json'))) as { identity: 'sso' | 'local' };
    return config.identity;
  }

  /** The agents the bot knows, for the local identity picker (answered only without BOT_ID). */
  static async knownAgents(): Promise<KnownAgent[]> {
    return ((await json(await send('agents', '/api/tab/agents'))) as { agents: KnownAgent[] }).agents;
  }

  async headers(): Promise<Record<string, string>> {
    const identity: Record<string, string> = this.credentials.kind === 'sso' ? { Authorization: `Bearer ${await this.credentials.token()}` } : { [LOCAL_AGENT_HEADER]: this.credentials.agentId };
    // The agent's own time zone: the dates on their card read in it (the server keeps only a zone it knows).
    return { ...identity, [SESSION_HEADER]: this.session, 'X-Time-Zone': Intl.DateTimeFormat().resolvedOptions().timeZone ?? '' };
  }

  async card(): Promise<CardAnswer> {
    return (await json(await send('card', '/api/tab/card', { headers: await this.headers() }))) as CardAnswer;
  }

  /** Runs a card action (the verb, and its data with the card's inputs) and returns the card to show. */
  async act(verb: string, data: Record<string, unknown>): Promise<TabView> {
    const response = await send('action', '/api/tab/action', {
      method: 'POST',
      headers: { ...(await this.headers()), 'Content-Type': 'application/json' },
      body: JSON.stringify({ verb, data }),
    });
    return (await json(response)) as TabView;
  }
}

async function send(what: string, url: string, init?: RequestInit): Promise<Response> {
  try {
    return await window.fetch(url, { ...init, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, `The server could not be reached (${what}). Check the connection and try again.`);
  }
}

async function json(response: Response): Promise<unknown> {
  const body = (await response.json().catch(() => undefined)) as { error?: string; reason?: string } | undefined;
  if (!response.ok) throw new ApiError(response.status, body?.reason ?? body?.error ?? `The server answered ${response.status}.`);
  return body;
}
