import type { Request, Response, Server } from 'restify';
import type { Logger } from 'pino';
import type { AgentService } from '../agents/agentService.js';
import { SignInUnavailable } from '../auth/ssoToken.js';
import { Unauthenticated, type TabCaller, type TabIdentity } from '../auth/tabIdentity.js';
import type { ThreadActions } from '../actions/defineAction.js';
import { runCardAction } from '../actions/runCardAction.js';
import type { ReplyActions } from '../actions/defineAction.js';
import { actionDeps } from '../actions/wiring.js';
import { VERBS } from '../cards/verbs.js';
import type { InteractionEvents } from '../interactions/interactionEvents.js';
import type { InteractionServices } from '../interactions/interactionServices.js';
import { CardStreams, type CardStream } from './cardStreams.js';
import { openEventStream } from './eventStream.js';
import { registerWallboardRoutes } from './wallboardRoutes.js';
import type { IntervalReports } from '../wfm/ports.js';
import { loadTabAssets, type TabAsset } from './tabAssets.js';
import { parseTabAction, sessionOf } from './tabRequests.js';
import { changedView, currentView, type TabView } from './tabViews.js';
import { validTimeZone } from '../domain/timeZone.js';
import { answerFailure } from '../http/failureAnswer.js';

/** The tab reads cards and runs the card's actions: every interaction service. */
export interface TabDeps extends InteractionServices {
  identity: TabIdentity;
  agents: AgentService;
  /** A digital conversation's outcome and letting it go (src/digital/threadOutcomes.ts). */
  threads: ThreadActions;
  events: InteractionEvents;
  /** Agents' replies to digital threads (the card's reply box). */
  replies: ReplyActions;
  logger: Logger;
  /** The tab's sources (default: the repository's tabs/). */
  tabsDir?: string;
  /** Where the tab built from its sources is kept between starts (see loadTabAssets); none: built at every start. */
  tabCacheDir?: string;
  /** How often a live connection gets a keep-alive comment. */
  heartbeatMs?: number;
  /** The workforce interval reports, for the supervisors' wallboard (its current interval); absent: states and queues only. */
  intervals?: Pick<IntervalReports, 'skillIntervals'>;
  /** How often an open wallboard is drawn anew for its clocks (15 s unless told). */
  wallboardTickMs?: number;
}

export interface TabRoutes {
  /** Resolves when the page and its bundle are built (or failed to build: the log says why). */
  ready: Promise<void>;
  /** Ends every live connection and stops listening for card changes (before the server closes). */
  close(): void;
}

const SESSION_HEADER = 'x-tab-session';
/** The tab's own IANA time zone (Intl), so the dates on the agent's cards read in it, as Teams' localTimezone does in chat. */
const TIME_ZONE_HEADER = 'x-time-zone';
const INTERACTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEARTBEAT_MS = 15_000;
/** A live connection ends when its token does, at the latest after this long: the tab reconnects. */
const MAX_STREAM_MS = 60 * 60_000;

/**
 * Where the tab may be framed: the Teams, Outlook and Microsoft 365 clients that host personal tabs.
 * teams-js fetches its list of valid host origins from res.cdn.office.net.
 */
const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self' https://res.cdn.office.net",
  "frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.teams.microsoft.us https://*.cloud.microsoft https://*.office.com https://*.office365.com https://*.microsoft365.com https://*.skype.com",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

/**
 * The personal tab: its page under /tabs/, and /api/tab/* for the agent it identifies (a Teams SSO token,
 * or the local identity picker without BOT_ID): the current card, card actions through the same engine as
 * the chat (`runCardAction`), and a live stream of the card as it changes.
 */
export function registerTabRoutes(server: Server, deps: TabDeps): TabRoutes {
  const { identity, cards, logger } = deps;
  const actions = actionDeps(deps);
  if (identity.problem) logger.warn({ problem: identity.problem }, 'the personal tab lets nobody in');

  let assets: Map<string, TabAsset> | undefined;
  let buildFailure: unknown;
  const started = Date.now();
  const ready = loadTabAssets({
    tabsDir: deps.tabsDir,
    cacheDir: deps.tabCacheDir,
    onCacheError: (error) => logger.warn({ err: error }, 'the built tab could not be kept for the next start'),
  }).then(
    (built) => {
      assets = built;
      logger.debug({ ms: Date.now() - started, files: [...built.keys()] }, 'tab loaded');
    },
    (error: unknown) => {
      buildFailure = error;
      logger.error({ err: error }, 'the tab could not be built: /tabs/ answers 503');
    },
  );

  const streams = new CardStreams({
    changedView: (agentId, interactionId) => changedView(cards, agentId, interactionId),
    currentView: (agentId) => currentView(cards, agentId),
    logger,
  });
  const stopListening = deps.events.onCardChanged((change) => streams.changed(change));

  /** Runs a handler for an identified agent; anyone else gets 401 and nothing more. */
  const forCaller =
    (handler: (req: Request, res: Response, caller: TabCaller) => Promise<void>) =>
    async (req: Request, res: Response): Promise<void> => {
      res.header('Cache-Control', 'no-store');
      let caller: TabCaller;
      try {
        caller = await identity.identify(req.headers);
      } catch (error) {
        if (error instanceof Unauthenticated) {
          logger.info({ path: req.path(), reason: error.reason }, 'tab request refused: not signed in');
          res.header('WWW-Authenticate', identity.mode === 'sso' ? 'Bearer error="invalid_token"' : 'LocalAgent');
          res.send(401, { error: 'unauthorized', reason: error.reason, identity: identity.mode });
          return;
        }
        if (error instanceof SignInUnavailable) {
          logger.error({ err: error.cause, path: req.path() }, 'tab sign-in cannot be checked');
          res.send(503, { error: 'sign-in cannot be checked right now; try again in a minute' });
          return;
        }
        throw error;
      }
      try {
        const zone = validTimeZone(req.headers[TIME_ZONE_HEADER]);
        if (zone) await deps.agents.noteTimeZone(caller.agentId, zone);
        await handler(req, res, caller);
      } catch (error) {
        answerFailure(res, error, logger, { surface: 'tab', path: req.path(), agentId: caller.agentId });
      }
    };

  server.get('/tabs', redirectToPage);
  server.get('/tabs/', redirectToPage);
  server.get('/tabs/config.json', async (_req, res) => {
    res.header('Cache-Control', 'no-store');
    res.send(200, { identity: identity.mode });
  });
  server.get('/tabs/*', async (req, res) => {
    await ready;
    const name = req.path().slice('/tabs/'.length);
    if (!assets) {
      res.send(buildFailure ? 503 : 404, { error: buildFailure ? 'the tab could not be built; the server log says why' : 'not found' });
      return;
    }
    const file = assets.get(name);
    if (!file) {
      res.send(404, { error: `no such file: /tabs/${name}` });
      return;
    }
    serveAsset(req, res, file, name.endsWith('.html'));
  });

  server.get('/api/tab/agents', async (req, res) => {
    if (identity.mode === 'local') {
      res.header('Cache-Control', 'no-store');
      const known = await deps.agents.known();
      res.send(200, { agents: known.map((a) => ({ id: a.id, name: a.name, state: a.reasonCode ? `${a.state}: ${a.reasonCode}` : a.state })) });
      return;
    }
    await forCaller(async (_q, r) => {
      r.send(404, { error: 'the local identity picker is only for local use (no BOT_ID)' });
    })(req, res);
  });

  server.get(
    '/api/tab/card',
    forCaller(async (_req, res, caller) => {
      const revision = streams.revision();
      const view = await currentView(cards, caller.agentId);
      const name = caller.name ?? (await deps.agents.find(caller.agentId))?.name ?? null;
      // `supervisor: true` (said to supervisors only): the tab offers the wallboard (its routes check again).
      const supervisor = deps.agents.isSupervisor(caller.agentId) ? { supervisor: true } : {};
      res.send(200, { agent: { id: caller.agentId, name }, ...supervisor, ...view, revision });
    }),
  );

  server.post(
    '/api/tab/action',
    forCaller(async (req, res, caller) => {
      const parsed = parseTabAction(req.body);
      if (!parsed.ok) {
        res.send(400, { error: `bad action: ${parsed.problem}` });
        return;
      }
      const { verb, data } = parsed.request;
      // Echoed in the answer only when it has the shape of an id: never a whole input of any size.
      const interactionId = typeof data.interactionId === 'string' && INTERACTION_ID.test(data.interactionId) ? data.interactionId : null;
      const revision = streams.revision();
      const card = await streams.whileActing(sessionOf(req.headers[SESSION_HEADER]), interactionId ?? undefined, () => runCardAction(actions, caller.agentId, verb, data, { surface: 'tab' }));
      const answer: TabView = { view: verb === VERBS.details ? 'details' : 'card', interactionId, card, revision };
      res.send(200, answer);
    }),
  );

  server.get(
    '/api/tab/events',
    forCaller(async (req, res, caller) => {
      let remove: () => void = () => undefined;
      const live = openEventStream(req, res, caller, { event: 'card', heartbeatMs: deps.heartbeatMs ?? HEARTBEAT_MS, maxMs: MAX_STREAM_MS, onClose: () => remove() });
      const stream: CardStream = {
        agentId: caller.agentId,
        session: sessionOf(req.headers[SESSION_HEADER]),
        get closed() {
          return live.closed;
        },
        send: (view) => live.send(view),
        close: () => live.close(),
      };
      remove = streams.add(stream);
    }),
  );

  const wallboard = registerWallboardRoutes(server, forCaller, {
    agents: deps.agents,
    events: deps.events,
    intervals: deps.intervals,
    logger,
    heartbeatMs: deps.heartbeatMs ?? HEARTBEAT_MS,
    maxStreamMs: MAX_STREAM_MS,
    tickMs: deps.wallboardTickMs,
  });

  return {
    ready,
    close() {
      stopListening();
      streams.closeAll();
      wallboard.close();
    },
  };
}

async function redirectToPage(_req: Request, res: Response): Promise<void> {
  res.redirect(302, '/tabs/index.html', () => undefined);
}

function serveAsset(req: Request, res: Response, file: TabAsset, isPage: boolean): void {
  res.header('Cache-Control', 'no-cache');
  res.header('ETag', file.etag);
  res.header('X-Content-Type-Options', 'nosniff');
  if (isPage) {
    res.header('Content-Security-Policy', PAGE_POLICY);
    res.header('Referrer-Policy', 'no-referrer');
  }
  if (req.headers['if-none-match'] === file.etag) {
    res.writeHead(304);
    res.end();
    return;
  }
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? file.gzip : file.body;
  res.writeHead(200, {
    'Content-Type': file.contentType,
    'Content-Length': body.length,
    Vary: 'Accept-Encoding',
    ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
  });
  res.end(body);
}
