import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import WebSocket from 'ws';

/**
 * A test driver for the Microsoft 365 Agents Playground (npm `@microsoft/m365agentsplayground`): it runs the
 * playground headless against a bot and talks to it over the HTTP API its own web client uses. The playground
 * plays Teams and the Bot Connector: it posts activities to the bot (no Authorization header) with
 * serviceUrl `http://localhost:<port>/_connector`, and the bot's replies and updates come back to it and are
 * pushed to us on a WebSocket.
 */

/** A user as the playground's config describes it (sic: `userPrincipleName`). */
export interface PlaygroundUser {
  id: string;
  name: string;
  userPrincipleName: string;
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}

/** GET /_internal/v1/config. */
export interface PlaygroundConfig {
  config: {
    tenantId: string;
    bot: { id: string; name: string };
    currentUser: PlaygroundUser;
    users: PlaygroundUser[];
    personalChat: { id: string; name: string };
    groupChats: { id: string; name: string; members: string[] }[];
    teams: { id: string; name: string; aadGroupId: string; channels: { id: string; name: string }[] }[];
  };
  internalConfig: { locale: string; localTimezone: string; channelId: string; debugConfig?: Record<string, unknown> };
}

/** A message as the playground pushes it on its conversation WebSocket. */
export interface PlaygroundMessage {
  messageId: string;
  timestamp: number;
  from: { id: string };
  text?: string;
  textFormat?: string;
  attachments: { contentType: string; content: any }[];
  attachmentLayout?: string;
  [key: string]: unknown;
}

/** One thing the bot did in the conversation: sent a new message, or updated (`updateActivity`) an earlier one. */
export interface RecordedActivity {
  kind: 'new' | 'update';
  conversationId: string;
  /** The message id: the id the bot got back from sendActivity, and the one an update names. */
  id: string;
  text: string | undefined;
  attachments: { contentType: string; content: any }[];
  message: PlaygroundMessage;
}

/** The value of an `adaptiveCard/action` invoke, as Teams sends it for an Action.Execute. */
export interface ActionExecuteValue {
  action: { type: 'Action.Execute'; verb: string; data?: unknown; id?: string };
  trigger?: 'manual' | 'automatic';
}

/** What the playground answers to an invoke: `type` and `value` of the bot's invoke response body. */
export interface InvokeResult {
  type?: string;
  value?: any;
}

export interface StartOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  botEndpoint: string;
  channel?: 'msteams' | 'directline' | 'webchat' | 'emulator' | 'agents';
  /** Who "I" am: overrides the playground's current user (default Alex Wilber, id user-id-0). */
  user?: Partial<PlaygroundUser>;
  /** The personal chat's conversation id (default: a random UUID). */
  conversationId?: string;
  /** How long the playground may take to start (ms). */
  startTimeoutMs?: number;
}

export interface Playground {
  /** Where the playground listens; open it in a browser to watch (it then receives the same messages). */
  url: string;
  config(): Promise<PlaygroundConfig>;
  /** Posts a user message in the personal chat; the bot gets it right after this resolves. */
  send(text: string): Promise<{ messageId: string }>;
  /**
   * Posts an `adaptiveCard/action` invoke for the card message `replyToId` (default: the latest recorded
   * message carrying an Adaptive Card) and returns the bot's invoke response.
   */
  invoke(value: ActionExecuteValue, replyToId?: string): Promise<InvokeResult>;
  /** What the web client does when a chat is first opened: installationUpdate + conversationUpdate (membersAdded). */
  install(): Promise<void>;
  /** Every message the bot sent or updated, in arrival order. */
  activities: RecordedActivity[];
  /** The playground's own log lines (warnings such as "app not connected" land here). */
  logs: string[];
  /** The first recorded activity (already recorded or still to come) that matches. */
  waitFor(predicate: (activity: RecordedActivity) => boolean, timeoutMs?: number): Promise<RecordedActivity>;
  stop(): Promise<void>;
}

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');

/** The playground's built-in config, needed in full when the current user is overridden (it wants 5 users). */
function configFile(user: Partial<PlaygroundUser>, conversationId: string): object {
  const person = (n: number, first: string, last: string): PlaygroundUser => {
    const mail = `${first[0]}${last}@example.com`.toLowerCase();
    const aadObjectId = `00000000-0000-0000-0000-000000000002${n}`; // sic: 13 digits, as the built-in config
    return { id: `user-id-${n}`, name: `${first} ${last}`, userPrincipleName: mail, aadObjectId, givenName: first, surname: last, email: mail };
  };
  const names = [
    ['Megan', 'Bowen'],
    ['Adele', 'Vance'],
    ['Isaiah', 'Langer'],
    ['Patti', 'Fernandez'],
    ['Lynne', 'Robbins'],
  ] as const;
  return {
    version: '0.1.1',
    tenantId: '00000000-0000-0000-0000-0000000000001',
    bot: { id: '00000000-0000-0000-0000-00000000000011', name: 'Test Bot' },
    currentUser: { ...person(0, 'Alex', 'Wilber'), ...user },
    users: names.map(([first, last], i) => person(i + 1, first, last)),
    personalChat: { id: conversationId },
    groupChat: { id: `group-${conversationId}`, name: 'Group Chat' },
    team: { id: 'team-id', name: 'My Team', aadGroupId: '00000000-0000-0000-0000-000000000031', channels: [] },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPlayground(options: StartOptions): Promise<Playground> {
  const workDir = await mkdtemp(join(tmpdir(), 'playground-'));
  const args = ['--port', String(await freePort()), '--app-endpoint', options.botEndpoint];
  args.push('--channel-id', options.channel ?? 'msteams', '--disable-telemetry');
  if (options.user) {
    // JSON is YAML; a config file in the working directory replaces the built-in one.
    const file = configFile(options.user, options.conversationId ?? randomUUID());
    await writeFile(join(workDir, '.m365agentsplayground.yml'), JSON.stringify(file, null, 2));
  } else if (options.conversationId) {
    args.push('--conversation-id', options.conversationId);
  }

  // Own process group (detached) so stop() can end the whole tree; the working directory keeps its
  // devTools/ log out of the repo and no project .m365agentsplayground.yml is picked up by accident.
  const child: ChildProcess = spawn(process.execPath, [cli, ...args], {
    cwd: workDir,
    env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none', M365_AGENTS_PLAYGROUND_LOGFILE: join(workDir, 'playground.log') },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  const kill = (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    try {
      if (process.platform === 'win32') child.kill(signal);
      else process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const killOnExit = () => kill('SIGKILL');
  process.once('exit', killOnExit);

  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`playground did not start in time:\n${output}`)), options.startTimeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // With stdout not a terminal the playground writes exactly this line once it listens.
      const match = /Listening on (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`playground exited (${code}) before it listened:\n${output}`));
    });
    child.once('error', reject);
  }).catch(async (error: unknown) => {
    kill('SIGKILL');
    process.removeListener('exit', killOnExit);
    await rm(workDir, { recursive: true, force: true });
    throw error;
  });

  const url = `http://127.0.0.1:${port}`;
  const activities: RecordedActivity[] = [];
  const logs: string[] = [];
  const waiters = new Set<(activity: RecordedActivity) => void>();
  const sockets: WebSocket[] = [];

  const api = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const res = await fetch(url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`playground ${method} ${path}: ${res.status} ${text}`);
    return (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T;
  };

  const connect = (path: string, onMessage: (data: any) => void) =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
      sockets.push(ws);
      ws.once('open', () => resolve());
      ws.on('error', reject); // after open: nothing to do, the test sees missing activities
      ws.on('message', (raw) => onMessage(JSON.parse(raw.toString())));
    });

  const stop = async () => {
    for (const ws of sockets) ws.terminate();
    kill('SIGTERM');
    const slow = setTimeout(() => kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(slow);
    process.removeListener('exit', killOnExit);
    await rm(workDir, { recursive: true, force: true });
  };

  try {
    await api('GET', '/_debug/ping'); // routes are mounted in the same tick as the "Listening" line
    await connect('/_ws_conversation/v1/conversations/stream', (event: { action: string; actionConversationId: string; message?: PlaygroundMessage }) => {
      if ((event.action !== 'createMessage' && event.action !== 'updateMessage') || !event.message) return; // typing
      const m = event.message;
      const activity: RecordedActivity = {
        kind: event.action === 'createMessage' ? 'new' : 'update',
        conversationId: event.actionConversationId,
        id: m.messageId,
        text: m.text,
        attachments: m.attachments ?? [],
        message: m,
      };
      activities.push(activity);
      for (const waiter of [...waiters]) waiter(activity);
    });
    await connect('/_ws/log/stream', (event: { log?: { level?: string; displayText?: string } }) => {
      if (event.log?.displayText) logs.push(`${event.log.level ?? 'info'}: ${event.log.displayText}`);
    });
  } catch (error) {
    await stop();
    throw error;
  }

  let configPromise: Promise<PlaygroundConfig> | undefined;
  // GET /_internal/v1/config first waits (up to 15 s) for the bot endpoint to answer, then returns.
  const config = () => (configPromise ??= api<PlaygroundConfig>('GET', '/_internal/v1/config'));
  // The same `config` part without that wait, so a bot that is down fails in waitFor with the log, fast.
  let idsPromise: Promise<Pick<PlaygroundConfig, 'config'>> | undefined;
  const ids = async () => (await (idsPromise ??= api<Pick<PlaygroundConfig, 'config'>>('GET', '/_internal/v1/testConfig'))).config;

  return {
    url,
    activities,
    logs,
    config,
    async send(text) {
      const c = await ids();
      const path = `/_conversation/v1/conversations/${encodeURIComponent(c.personalChat.id)}/messages`;
      return api<{ messageId: string }>('POST', path, { from: { id: c.currentUser.id }, text, textFormat: 'plain' });
    },
    async invoke(value, replyToId) {
      const c = await ids();
      const target = replyToId ?? activities.findLast((a) => a.attachments.some((x) => x.contentType === ADAPTIVE_CARD))?.id;
      if (!target) throw new Error('invoke: no card message to act on (pass replyToId)');
      return api<InvokeResult>('POST', '/_conversation/v1/invoke', {
        name: 'adaptiveCard/action',
        value,
        from: { id: c.currentUser.id },
        conversation: { id: c.personalChat.id },
        replyToId: target,
      });
    },
    async install() {
      const c = await ids();
      await api('POST', `/_debug/conversation/${encodeURIComponent(c.personalChat.id)}/installation`, {});
    },
    waitFor(predicate, timeoutMs = 10_000) {
      const found = activities.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = (activity: RecordedActivity) => {
          if (!predicate(activity)) return;
          waiters.delete(waiter);
          clearTimeout(timer);
          resolve(activity);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = activities.map((a) => `${a.kind} ${a.id}: ${a.text ?? a.attachments.map((x) => x.contentType).join(',')}`);
          reject(new Error(`waitFor: nothing matched in ${timeoutMs} ms.\nrecorded:\n  ${seen.join('\n  ') || '(none)'}\nplayground log:\n  ${logs.slice(-8).join('\n  ') || '(empty)'}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    stop,
  };
}
