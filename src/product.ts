import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createAcdOutbound } from './acd/acdOutbound.js';
import { AcdDispatcher } from './acd/dispatcher.js';
import { AcdSimulator } from './acd/simulator.js';
import { AgentService } from './agents/agentService.js';
import { createTabIdentity } from './auth/tabIdentity.js';
import { registerAcdHttp } from './acd/acdHttp.js';
import { createCardInstances } from './cardInstances.js';
import { createCrmEngine } from './crmEngine.js';
import type { AppConfig } from './config.js';
import { seedDemoData } from './crm/embedded/demoSeed.js';
import { createDigitalThreads, type DigitalThreads } from './digital/digitalThreads.js';
import type { CrmConnector } from './crm/port.js';
import { ContactConvergence } from './interactions/contactEvents.js';
import { ActivityDeliveries } from './delivery/activityDeliveries.js';
import { createChatSimulator } from './digital/simulatorSetup.js';
import { SecretSource } from './digital/simulatorSecrets.js';
import { createDigitalIngress, registerDigitalRoutes, type DigitalIngress } from './digital/digitalRoutes.js';
import type { MessageIntake } from './digital/ports.js';
import { createDigitalReplies } from './digital/repliesWiring.js';
import { createInteractionServices, type InteractionServices } from './interactions/interactionServices.js';
import { JobWorker } from './jobs/worker.js';
import { createServer } from './server.js';
import { openStore, type Store } from './store/database.js';
import { UnitOfWork } from './store/unitOfWork.js';
import { registerTabRoutes } from './tab/tabRoutes.js';
import { createAdapter } from './teams/adapter.js';
import { createApplication } from './teams/application.js';
import { ProactiveCardPoster } from './teams/proactiveCards.js';
import { proactiveText } from './teams/proactiveText.js';
import type { StaleCardTiming } from './interactions/staleCardSweep.js';
import type { WorkflowEngine } from './workflows/engine.js';
import type { AdherenceReports, IntervalReports } from './wfm/ports.js';
import { createAdherence } from './wfm/createAdherence.js';
import { IntervalReportsService } from './wfm/intervalReports.js';
import { RollupCatchUp } from './wfm/rollupCatchUp.js';
import { createReportFeature } from './wfm/reportFeature.js';
import { WfmApiKeys } from './wfm/apiKeys.js';
import { registerWfmRoutes } from './wfm/wfmRoutes.js';

export interface RunningProduct {
  url: string;
  port: number;
  store: Store;
  engine: WorkflowEngine;
  worker: JobWorker;
  /** The interaction services: calls, records, merging, cards. */
  services: InteractionServices;
  /** The digital integrations, their tokens and channels (the channels API's services). */
  digital: DigitalIngress;
  /** Digital conversations: the intake the channels API hands messages to, and the router (issue 14). */
  threads: DigitalThreads;
  /** Resolves once the cards posted outside a turn so far (ACD contacts, routed conversations) are in Teams. */
  cardsPosted(): Promise<void>;
  stop(): Promise<void>;
}

export interface ProductOptions {
  pgSchema?: string;
  /** Where the channels API hands accepted messages instead of the threads' intake (tests of the API alone). */
  digitalIntake?: MessageIntake;
  /** The interval and adherence reports the supervisors read (`report`, the wallboard, /api/wfm): tests plug fakes in; by default the services over the store. */
  wfmPorts?: { intervals: IntervalReports; adherence: AdherenceReports };
  /** Stands around each CRM connector the configuration builds (tests: a CRM slow to answer). */
  wrapConnector?: (connector: CrmConnector) => CrmConnector;
  /** On PostgreSQL, when a card message counts as left behind and how often it is looked for (tests: shorter). */
  staleCards?: StaleCardTiming;
}

/** Builds every part from the configuration and starts serving: store → services → bot → server. */
export async function startProduct(config: AppConfig, logger: Logger, options: ProductOptions = {}): Promise<RunningProduct> {
  const clock = () => new Date();
  let ready = false;
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgSchema: options.pgSchema, checkpointInBackground: true });
  if (config.seedDemoData && (await seedDemoData(store.db, clock()))) logger.info('embedded CRM seeded with demo data');

  const engine = await createCrmEngine(config, { db: store.db, clock, logger, wrapConnector: options.wrapConnector });
  const instances = await createCardInstances(config, store, logger, clock, options.staleCards);
  const { events } = instances;
  const worker = new JobWorker({
    db: store.db,
    engine,
    logger: logger.child({ part: 'jobs' }),
    clock,
    leaseMs: config.jobs.leaseMs,
    heartbeatMs: config.jobs.heartbeatMs,
    // The card of whoever has the interaction now (the worker reads it once per batch).
    onJobFinished: (job) => events.cardChanged(job.interactionId, job.agentId),
  });
  // What the ACDs hear of agents' own changes in Teams: queued with the change, delivered by outbox workers.
  const outbound = createAcdOutbound(config, { db: store.db, logger, clock });
  const unit = new UnitOfWork(store.db);
  const agents = new AgentService({
    unit,
    reasonCodes: config.reasonCodes,
    supervisorIds: config.supervisorIds,
    clock,
    // The ACDs hear the agent's own changes through the outbox (the ACD's own are never sent back).
    recordOwnStateChange: outbound.recordOwnStateChange,
    // `status skill Billing` knows the skills agents are given for digital routing.
    agentSkills: config.digital.agentSkills,
  });
  agents.onStateSetByAgent(() => outbound.wake());
  const services = createInteractionServices({
    unit,
    engine,
    logger: logger.child({ part: 'interactions' }),
    defaultRegion: config.defaultRegion,
    dispositions: config.dispositions,
    onJobsQueued: () => worker.wake(),
    events,
    clock,
    recordAcwCompleted: outbound.recordAcwCompleted,
  });
  events.onCardChanged(() => outbound.wake());
  // Outbound secrets (an integration's outbound_secret_env) are read here: the chat simulator's box secret of this start, then the environment.
  const digitalSecrets = new SecretSource();
  // Agents' replies to digital threads, delivered to each integration's box URL by their own outbox worker.
  const digitalReplies = createDigitalReplies({
    db: store.db,
    unit,
    cards: services.cards,
    events,
    logger: logger.child({ part: 'digital' }),
    clock,
    maxAttempts: config.digital.replyMaxAttempts,
    secret: (name) => digitalSecrets.get(name),
  });
  const adapter = createAdapter(config.bot);
  // The ACD drives contacts (issue 13): events in, interactions and states converged, cards posted proactively.
  const poster = new ProactiveCardPoster({
    adapter,
    botAppId: config.bot.appId ?? '',
    agents,
    cards: services.cards,
    events,
    logger: logger.child({ part: 'cards' }),
    messageView: config.cardMessageView,
    sends: instances.sends,
  });
  const contacts = new ContactConvergence({
    unit,
    calls: services.calls,
    agents,
    events,
    poster,
    dispositions: config.dispositions,
    logger: logger.child({ part: 'acd' }),
    clock,
  });
  // Digital conversations (issue 14): a thread is an interaction, routed to Available agents by skill.
  const threads = createDigitalThreads({
    unit,
    onJobsQueued: () => worker.wake(),
    engine,
    agents,
    cards: services.cards,
    poster,
    events,
    config: config.digital,
    defaultRegion: config.defaultRegion,
    logger: logger.child({ part: 'digital' }),
    clock,
  });
  const dispatcher = new AcdDispatcher({ db: store.db, agents, contacts, defaultRegion: config.defaultRegion, logger: logger.child({ part: 'acd' }), clock });
  const acd = new AcdSimulator(config.acdSimulator, dispatcher, clock);
  const digital = createDigitalIngress({ unit, clock, tokenTtlSeconds: config.digital.tokenTtlSeconds });
  const chats = createChatSimulator({
    config,
    unit,
    integrations: digital.integrations,
    // The replies' delivery reads outbound secrets from this same source (the simulator's box secret first, then the environment).
    secrets: digitalSecrets,
    tellAgent: proactiveText({ adapter, botAppId: config.bot.appId ?? '', agents }),
    logger,
    clock,
  });

  // Workforce data (issue 15): schedules, adherence and its alerts to supervisors, the interval reports read from
  // the rollups the state and contact logs keep; the supervisors' day report, whose card's CSV link names the
  // public address, else this server's own.
  const adherence = createAdherence({
    unit,
    wfm: config.wfm,
    supervisorIds: config.supervisorIds,
    tell: proactiveText({ adapter, botAppId: config.bot.appId ?? '', agents }),
    logger: logger.child({ part: 'wfm' }),
    clock,
  });
  const rollups = new RollupCatchUp({ unit, logger: logger.child({ part: 'wfm' }) });
  const wfmPorts = options.wfmPorts ?? { intervals: new IntervalReportsService(unit, config.wfm, clock), adherence: adherence.reports };
  let listeningPort = 0;
  const report = createReportFeature({
    ...wfmPorts,
    config: config.wfm,
    clock,
    logger: logger.child({ part: 'wfm' }),
    baseUrl: () => config.twilio.publicBaseUrl ?? `http://localhost:${listeningPort}`,
    localAddressInTeams: !!config.bot.appId && !config.twilio.publicBaseUrl,
  });
  const app = createApplication(adapter, config.bot.appId, {
    agents,
    ...services,
    replies: digitalReplies.replies,
    threads: threads.outcomes,
    acd,
    chats: chats.simulator,
    events,
    deliveries: new ActivityDeliveries({ db: store.db, clock }),
    logger: logger.child({ part: 'bot' }),
    clock,
    cardMessageView: config.cardMessageView,
    cardSends: instances.sends,
    cardUpdateAllowance: instances.allowance,
    wfm: report.bot,
  });
  const server = createServer({
    logger: logger.child({ part: 'http' }),
    limits: config.http,
    processActivity: (req, res) => adapter.handle(req, res, (context) => app.run(context).then(() => undefined)),
    isReady: () => ready,
  });
  registerAcdHttp(server, config, { dispatcher, db: store.db, logger: logger.child({ part: 'acd' }) });
  chats.register(server);
  registerDigitalRoutes(server, { ...digital, intake: options.digitalIntake ?? threads.intake, logger: logger.child({ part: 'digital' }) });
  report.register(server);
  // The WFM systems' API (issue 15): interval reports, agent activity and publishing schedules, behind an API key per consumer.
  registerWfmRoutes(server, {
    keys: new WfmApiKeys({ unit, clock }),
    reports: wfmPorts.intervals,
    schedules: adherence.schedules,
    config: config.wfm,
    logger: logger.child({ part: 'wfm' }),
  });
  const tab = registerTabRoutes(server, {
    identity: createTabIdentity(config.tab),
    ...services,
    replies: digitalReplies.replies,
    threads: threads.outcomes,
    agents,
    events,
    logger: logger.child({ part: 'tab' }),
    tabCacheDir: join(config.dataDir, 'cache'),
    intervals: wfmPorts.intervals,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.http.host, () => resolve());
  });
  logger.info({ host: config.http.host, reason: config.http.hostReason }, `listening on ${config.http.host}: ${config.http.hostReason}`);
  worker.start();
  outbound.start();
  threads.router.start();
  digitalReplies.delivery.start();
  adherence.alerts.start();
  rollups.start();
  instances.start();
  ready = true;
  const port = (server.address() as AddressInfo).port;
  listeningPort = port;
  await chats.start(`http://127.0.0.1:${port}`);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    engine,
    worker,
    services,
    digital,
    threads,
    cardsPosted: () => poster.settled(),
    async stop() {
      ready = false;
      tab.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await worker.stop();
      await outbound.stop();
      await threads.router.stop();
      // Cards on their way to Teams, and data dips read ahead, finish before the store closes.
      await Promise.all([poster.settled(), services.calls.dipsSettled()]);
      await digitalReplies.delivery.stop();
      await adherence.alerts.stop();
      await rollups.stop();
      await instances.stop();
      await store.close();
    },
  };
}
