import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { AgentIntervalRow, Interval, SkillIntervalRow } from '../../src/domain/wfm.js';
import { INTERVAL_MS } from '../../src/domain/wfm.js';
import { createServer } from '../../src/server.js';
import { UnitOfWork } from '../../src/store/unitOfWork.js';
import { WfmApiKeys } from '../../src/wfm/apiKeys.js';
import type { IntervalReports, ScheduleImporter, ScheduleImportResult } from '../../src/wfm/ports.js';
import { registerWfmRoutes } from '../../src/wfm/wfmRoutes.js';
import type { TestStore } from '../support/stores.js';

/**
 * The WFM routes on the app's real HTTP server (body reader, limits), with real API keys on a test store and
 * in-test fakes of the reports and the importer: what the routes do with a request, not what the reports compute.
 */
export interface WfmApiServer {
  url: string;
  keys: WfmApiKeys;
  /** Rows the fake reports give, by interval start (UTC ISO); every other interval is empty. */
  skillRows: Map<string, SkillIntervalRow[]>;
  agentRows: Map<string, AgentIntervalRow[]>;
  /** What the routes asked the reports for. */
  calls: Array<{ report: 'skills' | 'agents'; from: string; to: string; skill?: string }>;
  /** Makes the next report call throw this. */
  failNext: { error?: Error };
  imports: Array<{ text: string; format: 'csv' | 'json' }>;
  importResult: { value: ScheduleImportResult };
  close(): Promise<void>;
}

const intervalsOf = <Row>(from: Date, to: Date, rows: Map<string, Row[]>): Interval<Row>[] => {
  const out: Interval<Row>[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += INTERVAL_MS) {
    const start = new Date(t).toISOString();
    out.push({ start, end: new Date(t + INTERVAL_MS).toISOString(), localStart: start.replace('.000Z', '+00:00'), rows: rows.get(start) ?? [] });
  }
  return out;
};

export async function startWfmApi(store: TestStore, siteTimeZone = 'Europe/Paris'): Promise<WfmApiServer> {
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const server = createServer({ logger, limits: { headersTimeoutMs: 5000, requestTimeoutMs: 5000, maxConnectionsPerClient: 0 }, processActivity: async () => undefined, isReady: () => true });
  const keys = new WfmApiKeys({ unit: new UnitOfWork(store.db), clock: () => new Date() });
  const api: Omit<WfmApiServer, 'url' | 'close'> = {
    keys,
    skillRows: new Map(),
    agentRows: new Map(),
    calls: [],
    failNext: {},
    imports: [],
    importResult: { value: { imported: 1, agents: 1, rejected: [] } },
  };
  const fail = () => {
    const error = api.failNext.error;
    api.failNext.error = undefined;
    if (error) throw error;
  };
  const reports: IntervalReports = {
    async skillIntervals(from, to, skill) {
      api.calls.push({ report: 'skills', from: from.toISOString(), to: to.toISOString(), ...(skill !== undefined ? { skill } : {}) });
      fail();
      return intervalsOf(from, to, api.skillRows);
    },
    async agentActivity(from, to) {
      api.calls.push({ report: 'agents', from: from.toISOString(), to: to.toISOString() });
      fail();
      return intervalsOf(from, to, api.agentRows);
    },
  };
  const schedules: ScheduleImporter = {
    async importSchedule(text, format) {
      api.imports.push({ text, format });
      return api.importResult.value;
    },
    async scheduleBetween() {
      return [];
    },
  };
  registerWfmRoutes(server, { keys, reports, schedules, config: { siteTimeZone, serviceLevelSeconds: 20 }, logger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { ...api, url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A GET with the key as bearer (unless `key` is null); the answer's status, headers and body (JSON parsed when JSON). */
export async function wfmGet(url: string, key: string | null, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const response = await fetch(url, { headers: { ...(key !== null ? { authorization: `Bearer ${key}` } : {}), ...headers } });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').startsWith('application/json');
  return { status: response.status, headers: response.headers, body: json && text ? JSON.parse(text) : undefined, text };
}
