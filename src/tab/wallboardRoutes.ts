import type { Request, Response, Server } from 'restify';
import type { Logger } from 'pino';
import type { AgentService } from '../agents/agentService.js';
import type { TabCaller } from '../auth/tabIdentity.js';
import type { InteractionEvents } from '../interactions/interactionEvents.js';
import type { IntervalReports } from '../wfm/ports.js';
import { openEventStream } from './eventStream.js';
import { wallboardView } from './wallboard.js';
import { WallboardStreams, type WallboardStream } from './wallboardStreams.js';

/** Runs a handler for an identified caller of the tab (tabRoutes.ts: anyone else gets 401). */
export type ForCaller = (handler: (req: Request, res: Response, caller: TabCaller) => Promise<void>) => (req: Request, res: Response) => Promise<void>;

export interface WallboardRouteDeps {
  agents: AgentService;
  events: Pick<InteractionEvents, 'onCardChanged'>;
  /** The workforce interval reports (src/wfm); absent: no interval figures on the board. */
  intervals?: Pick<IntervalReports, 'skillIntervals'>;
  logger: Logger;
  clock?: () => Date;
  heartbeatMs: number;
  maxStreamMs: number;
  /** How often open wallboards are drawn anew for their clocks (15 s unless told). */
  tickMs?: number;
  maxStreamsPerSupervisor?: number;
}

export const WALLBOARD_REFUSAL = 'The wallboard is for supervisors. Ask your Teams admin if you should be one.';

/**
 * The supervisors' wallboard in the personal tab (issue 15): GET /api/tab/wallboard (the board now) and
 * /api/tab/wallboard/events (live: on every state or interaction change, and every 15 s). Anyone but a
 * supervisor gets 403 and nothing of the board.
 */
export function registerWallboardRoutes(server: Server, forCaller: ForCaller, deps: WallboardRouteDeps): { close(): void } {
  const clock = deps.clock ?? (() => new Date());
  const view = (supervisorId: string) => wallboardView({ agents: deps.agents, intervals: deps.intervals, clock, logger: deps.logger }, supervisorId);
  const streams = new WallboardStreams({ view, logger: deps.logger, tickMs: deps.tickMs, maxPerSupervisor: deps.maxStreamsPerSupervisor });
  const stopStates = deps.agents.onStateChanged(() => streams.changed());
  const stopCards = deps.events.onCardChanged(() => streams.changed());

  const forSupervisor = (handler: (req: Request, res: Response, caller: TabCaller) => Promise<void>) =>
    forCaller(async (req, res, caller) => {
      if (!deps.agents.isSupervisor(caller.agentId)) {
        deps.logger.info({ path: req.path(), agentId: caller.agentId }, 'wallboard refused: not a supervisor');
        res.send(403, { error: 'forbidden', reason: WALLBOARD_REFUSAL });
        return;
      }
      await handler(req, res, caller);
    });

  server.get(
    '/api/tab/wallboard',
    forSupervisor(async (_req, res, caller) => {
      res.send(200, await view(caller.agentId));
    }),
  );

  server.get(
    '/api/tab/wallboard/events',
    forSupervisor(async (req, res, caller) => {
      let remove: () => void = () => undefined;
      const live = openEventStream(req, res, caller, { event: 'wallboard', heartbeatMs: deps.heartbeatMs, maxMs: deps.maxStreamMs, onClose: () => remove() });
      const stream: WallboardStream = {
        supervisorId: caller.agentId,
        get closed() {
          return live.closed;
        },
        send: (board) => live.send(board),
        close: () => live.close(),
      };
      remove = streams.add(stream);
    }),
  );

  return {
    close() {
      stopStates();
      stopCards();
      streams.closeAll();
    },
  };
}
