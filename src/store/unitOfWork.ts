import type { Kysely } from 'kysely';
import { contactIdOfInteraction, findAcdAgentState, findAcdContact, findWorkerSid, markAcwCompleted, markContactPlaced, putAcdAgentState, putAcdContact, waitingContactsOf } from './acdRepository.js';
import { enqueueWebhookEvent } from './acdWebhookRepository.js';
import {
  deleteExpiredTokens,
  findChannel,
  findIntegration,
  findIntegrationCredentials,
  insertAccessToken,
  integrationOfToken,
  listChannelsOf,
  listIntegrations,
  moveIntegrationBox,
  putChannel,
  putIntegration,
} from './digitalIngressRepository.js';
import { findAgent, findAgentContact, listAgents, moveAgentState, setAgentState, setAgentTimeZone, upsertAgent } from './agentsRepository.js';
import { findConversationRef, saveConversationRef } from './conversationRefsRepository.js';
import { customerFor, findCustomer, findCustomerNotInOpenInteraction, findCustomerWithCount, interactionCount, likelyDuplicates, mergeCustomers, renameCustomer } from './customersRepository.js';
import { recordCardPost } from './cardRevisionsRepository.js';
import type { Db } from './db.js';
import { digitalLoadByAgent, findThreadHolder, queuedDigitalThreads } from './digitalStatusRepository.js';
import { agentEmails, openInteractionsOfAgents, recordsOfOpenInteractions, waitingInQueues } from './supervisionRepository.js';
import {
  findCardActivityId,
  findInteraction,
  interactionsOfAcdContact,
  findInteractionOf,
  findInteractionWithNotice,
  insertInteraction,
  openInteractionOf,
  setLastNotice,
  updateInteraction,
} from './interactionsRepository.js';
import {
  findRecordLink,
  listRecordLinks,
  putFirstRecordLinks,
  putRecordLinks,
  recordsFromCustomerHistory,
  recordsFromEarlierInteractions,
  setLinked,
  setRecordActivities,
} from './interactionRecordsRepository.js';
import { enqueueJobs, jobsOfSubject } from './jobsRepository.js';
import { insertReply, replyDelivery, replyIdOf } from './repliesRepository.js';
import type { Database } from './schema.js';
import {
  assignedThreadsOf,
  channelOfThread,
  findThread,
  findThreadByExternalId,
  findThreadOfInteraction,
  insertMessage,
  insertThread,
  knownSkills,
  latestMessages,
  lockRouting,
  messageCounts,
  moveRoutingCursor,
  moveThreadAssignment,
  queuedThreads,
  routingCandidates,
  routingCursor,
  touchThread,
} from './threadsRepository.js';
import { findWfmApiKey, listWfmApiKeys, putWfmApiKey, revokeWfmApiKey } from './wfmApiKeysRepository.js';
import { appendContactLog, appendContactLogs, appendStateLog, contactsOfferedBetween, stateLogBetween } from './wfmLogRepository.js';
import { agentsByRefs, replaceSchedule, scheduleBetween, scheduleOfAgent } from './wfmSchedulesRepository.js';
import { claimAlert, statesOfAgent } from './wfmAlertsRepository.js';
import { agentContactsBetween, agentNames, agentStateMsBetween, openSpansBefore, skillTotalsBetween } from './wfmRollupReads.js';
import { catchUpRollups } from './wfmRollupCatchUp.js';
import { holdOwnedOpen, markThreadTriggered, releaseThread, saveThreadOutcome, threadTranscriptCounts } from './threadOutcomesRepository.js';

/** A repository function with its connection bound: what a service calls, never seeing the connection. */
type Bound<F> = F extends (db: Db, ...args: infer A) => infer R ? (...args: A) => R : never;
type BoundAll<M> = { [K in keyof M]: Bound<M[K]> };
type RepositoryFunctions = Record<string, (db: Db, ...args: never[]) => unknown>;

function bound<M extends RepositoryFunctions>(db: Db, functions: M): BoundAll<M> {
  return Object.fromEntries(Object.entries(functions).map(([name, fn]) => [name, (...args: never[]) => fn(db, ...args)])) as BoundAll<M>;
}

/** The repository functions of each aggregate, by the name a service calls them. */
const aggregates = {
  interactions: {
    insert: insertInteraction,
    find: findInteraction,
    findOf: findInteractionOf,
    findWithNotice: findInteractionWithNotice,
    openOf: openInteractionOf,
    update: updateInteraction,
    setLastNotice,
    recordCardPost,
    findCardActivityId,
    setRecordActivities,
    listLinks: listRecordLinks,
    findLink: findRecordLink,
    putLinks: putRecordLinks,
    putFirstLinks: putFirstRecordLinks,
    setLinked,
    recordsFromCustomerHistory,
    recordsFromEarlierInteractions,
  },
  agents: {
    find: findAgent,
    findContact: findAgentContact,
    upsert: upsertAgent,
    list: listAgents,
    setState: setAgentState,
    moveState: moveAgentState,
    setTimeZone: setAgentTimeZone,
    /** Where the agent's chat is, to reach it outside a turn. */
    saveConversationRef,
    findConversationRef,
  },
  customers: {
    customerFor,
    find: findCustomer,
    findWithCount: findCustomerWithCount,
    rename: renameCustomer,
    likelyDuplicates,
    findNotInOpenInteraction: findCustomerNotInOpenInteraction,
    merge: mergeCustomers,
    interactionCount,
  },
  jobs: { enqueue: enqueueJobs, ofSubject: jobsOfSubject },
  /** The ACDs' contacts and what they said of agents; the outbox hooks' deliveries (webhookOutbox.ts, taskRouterOutbox.ts). */
  acd: {
    findContact: findAcdContact,
    putContact: putAcdContact,
    waitingContactsOf,
    interactionsOfContact: interactionsOfAcdContact,
    contactIdOfInteraction,
    findAgentState: findAcdAgentState,
    putAgentState: putAcdAgentState,
    markAcwCompleted,
    markPlaced: markContactPlaced,
    findWorkerSid,
    enqueueDelivery: enqueueWebhookEvent,
  },
  /** The supervisors' digital figures: open digital interactions per agent, and threads waiting in the queue. */
  digitalStatus: { loadByAgent: digitalLoadByAgent, queued: queuedDigitalThreads, threadHolder: findThreadHolder },
  /** The supervisors' status filters and wallboard: every agent's open interactions and their records, the queues (supervisionRepository.ts). */
  supervision: { openInteractions: openInteractionsOfAgents, openRecords: recordsOfOpenInteractions, agentEmails, waiting: waitingInQueues },
  /** The digital integrations, their access tokens and channels (src/digital: the channels API). */
  digitalIngress: {
    findIntegration,
    findCredentials: findIntegrationCredentials,
    listIntegrations,
    putIntegration,
    moveBox: moveIntegrationBox,
    insertToken: insertAccessToken,
    integrationOfToken,
    deleteExpiredTokens,
    findChannel,
    listChannelsOf,
    putChannel,
  },
  /** Digital threads and their messages (threadIntake.ts, threadRouting.ts, the digital card). */
  threads: {
    find: findThread,
    findOfInteraction: findThreadOfInteraction,
    assignedTo: assignedThreadsOf,
    findByExternalId: findThreadByExternalId,
    insert: insertThread,
    insertMessage,
    touch: touchThread,
    latestMessages,
    messageCounts,
    channelOf: channelOfThread,
    moveAssignment: moveThreadAssignment,
    queued: queuedThreads,
    routingCandidates,
    knownSkills,
    routingCursor,
    moveRoutingCursor,
    lockRouting,
  },
  /** Agents' replies to digital threads, each its own delivery outbox row (repliesRepository.ts). */
  replies: {
    insert: insertReply,
    idOf: replyIdOf,
    delivery: replyDelivery,
  },
  /** A digital thread's outcome: status and tags, letting it go, the trigger (threadOutcomes.ts). */
  threadOutcomes: {
    threadOf: findThreadOfInteraction,
    holdOwnedOpen,
    save: saveThreadOutcome,
    markTriggered: markThreadTriggered,
    release: releaseThread,
    transcriptCounts: threadTranscriptCounts,
  },
  /** The workforce logs, append-only: agents' states and contacts' steps (wfmLogRepository.ts, read by src/wfm). */
  wfmLog: {
    appendState: appendStateLog,
    appendContact: appendContactLog,
    appendContacts: appendContactLogs,
    statesBetween: stateLogBetween,
    contactsOfferedBetween,
  },
  /** The WFM systems' API keys, hashed (wfmApiKeysRepository.ts, src/wfm/apiKeys.ts). */
  wfmKeys: { put: putWfmApiKey, find: findWfmApiKey, revoke: revokeWfmApiKey, list: listWfmApiKeys },
  /** The published schedules (wfmSchedulesRepository.ts, src/wfm/scheduleImport.ts). */
  schedules: {
    between: scheduleBetween,
    ofAgent: scheduleOfAgent,
    replace: replaceSchedule,
    agentsByRefs,
  },
  /** The supervisors' adherence alerts, one per agent and episode, and one agent's states (src/wfm/adherenceAlerts.ts). */
  wfmAlerts: {
    claim: claimAlert,
    statesOfAgent,
  },
  /** The interval reports' rollups, brought up to date from the logs by `catchUp` (wfmRollupCatchUp.ts; read by src/wfm/intervalReports.ts). */
  wfmRollups: {
    catchUp: catchUpRollups,
    skillTotalsBetween,
    agentStateMsBetween,
    openSpansBefore,
    agentContactsBetween,
    agentNames,
  },
};

type Aggregates = typeof aggregates;
/** The repositories of every aggregate, on one connection or one transaction. */
export type Repositories = { [K in keyof Aggregates]: BoundAll<Aggregates[K]> };

/**
 * Each aggregate's functions are bound to `db` when a service first asks for that aggregate: a transaction
 * uses a few of the sixteen, and binding them all took 20 µs per transaction.
 */
class LazyRepositories {
  constructor(readonly db: Db) {}
}
for (const name of Object.keys(aggregates) as Array<keyof Aggregates>) {
  Object.defineProperty(LazyRepositories.prototype, name, {
    get(this: LazyRepositories) {
      const functions = bound(this.db, aggregates[name]);
      Object.defineProperty(this, name, { value: functions, enumerable: true });
      return functions;
    },
  });
}

export function repositoriesOf(db: Db): Repositories {
  return new LazyRepositories(db) as unknown as Repositories;
}

/**
 * One transaction per command or click: the services say what to write together (`run`), the repositories
 * of that transaction do it, and no service holds a connection or a transaction. `repos` is the way outside
 * a transaction: reads, and a write that is one statement (its own transaction).
 */
export class UnitOfWork {
  readonly repos: Repositories;

  constructor(private readonly db: Kysely<Database>) {
    this.repos = repositoriesOf(db);
  }

  /** Runs `work` in one transaction: all its writes commit together, or none (it throws). */
  run<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(repositoriesOf(trx)));
  }
}
