import { join } from 'node:path';
import { durationSeconds } from '../../src/domain/interaction.js';
import { loadCrmConfigurations, type MemorializationSource } from '../../src/workflows/configuration.js';
import { REPO } from '../lib/child.js';
import type { AuditDb } from './store.js';

interface InteractionRow {
  id: string;
  agent_id: string;
  ani: string;
  channel: string;
  started_at: string;
  ended_at: string | null;
  completed_at: string | null;
  disposition: string | null;
  notes: string | null;
}

/** What the database says about a trial's ACW writes, counted per (completed interaction, linked record). */
export interface WritesAudit {
  completedInteractions: number;
  pairs: number;
  /** Pairs with no timeline activity, and with more than one. */
  lost: number;
  doubled: number;
  /** Records linked to a completed interaction whose memorialized fields are not the newest interaction's. */
  records: number;
  stale: number;
  /** Records whose interactions' start, end and completion times do not agree on which is newest. */
  ambiguousOrder: number;
  examples: string[];
  /** Jobs not done when the audit ran, and jobs that ended dead. */
  jobsOpen: number;
  jobsDead: number;
}

const configuration = loadCrmConfigurations(join(REPO, 'config', 'crm-configurations.json')).configurations.find((c) => c.id === 'demo')!;

function sourceValue(source: MemorializationSource, i: InteractionRow, agentName: string): string | null {
  switch (source) {
    case 'interaction.id':
      return i.id;
    case 'interaction.ani':
      return i.ani;
    case 'interaction.channel':
      return i.channel;
    case 'interaction.startedAt':
      return i.started_at;
    case 'interaction.endedAt':
      return i.ended_at;
    case 'interaction.durationSeconds':
      return String(durationSeconds({ startedAt: i.started_at, endedAt: i.ended_at }, new Date(i.completed_at!)));
    case 'interaction.disposition':
      return i.disposition;
    case 'interaction.notes':
      return i.notes;
    case 'agent.id':
      return i.agent_id;
    case 'agent.name':
      return agentName;
  }
}

/** The fields memorialization writes to a record of `type` for interaction `i` (config/crm-configurations.json). */
export function memorializedFields(type: string, i: InteractionRow, agentName: string): Record<string, string | null> {
  const fields: Record<string, string | null> = {};
  for (const mapping of configuration.memorializationMappings) {
    if (mapping.recordTypes && !mapping.recordTypes.includes(type)) continue;
    fields[mapping.target] = sourceValue(mapping.source, i, agentName);
  }
  return fields;
}

export async function completedInteractions(db: AuditDb): Promise<{ interactions: Map<string, InteractionRow>; agentNames: Map<string, string> }> {
  const rows = await db.rows<InteractionRow>("SELECT id, agent_id, ani, channel, started_at, ended_at, completed_at, disposition, notes FROM interactions WHERE state = 'completed'");
  const agents = await db.rows<{ id: string; name: string }>('SELECT id, name FROM agents');
  return { interactions: new Map(rows.map((r) => [r.id, r])), agentNames: new Map(agents.map((a) => [a.id, a.name])) };
}

/**
 * Counts, from the tables themselves: every (completed interaction, linked record) must have exactly one
 * timeline activity (a task whose fields name the interaction and the record); every record linked to a
 * completed interaction must hold the memorialized fields of the newest of them (by the call's end).
 */
export async function auditWrites(db: AuditDb): Promise<WritesAudit> {
  const { interactions, agentNames } = await completedInteractions(db);
  const links = (await db.rows<{ interaction_id: string; record_type: string; record_id: string }>('SELECT interaction_id, record_type, record_id FROM interaction_records WHERE linked = 1')).filter(
    (l) => interactions.has(l.interaction_id),
  );
  const tasks = await db.rows<{ fields: string }>("SELECT fields FROM crm_records WHERE type = 'task'");
  const activities = new Map<string, number>();
  for (const task of tasks) {
    const f = JSON.parse(task.fields) as Record<string, unknown>;
    if (typeof f.interactionId !== 'string') continue;
    const key = `${f.interactionId}|${String(f.regardingType)}|${String(f.regardingId)}`;
    activities.set(key, (activities.get(key) ?? 0) + 1);
  }
  const examples: string[] = [];
  let lost = 0;
  let doubled = 0;
  const byRecord = new Map<string, { type: string; id: string; interactions: InteractionRow[] }>();
  for (const link of links) {
    const n = activities.get(`${link.interaction_id}|${link.record_type}|${link.record_id}`) ?? 0;
    if (n === 0) {
      lost++;
      if (examples.length < 6) examples.push(`lost: no activity of ${link.interaction_id} on ${link.record_type} ${link.record_id}`);
    } else if (n > 1) {
      doubled++;
      if (examples.length < 6) examples.push(`doubled: ${n} activities of ${link.interaction_id} on ${link.record_type} ${link.record_id}`);
    }
    const key = `${link.record_type}|${link.record_id}`;
    let entry = byRecord.get(key);
    if (!entry) byRecord.set(key, (entry = { type: link.record_type, id: link.record_id, interactions: [] }));
    entry.interactions.push(interactions.get(link.interaction_id)!);
  }

  const records = await db.rows<{ id: string; type: string; fields: string }>("SELECT id, type, fields FROM crm_records WHERE type <> 'task'");
  const fieldsOf = new Map(records.map((r) => [`${r.type}|${r.id}`, JSON.parse(r.fields) as Record<string, unknown>]));
  let stale = 0;
  let ambiguousOrder = 0;
  for (const [key, { type, id, interactions: linked }] of byRecord) {
    const newest = (by: 'started_at' | 'ended_at' | 'completed_at') => linked.reduce((a, b) => (String(b[by]) > String(a[by]) ? b : a));
    const winner = newest('ended_at');
    if (newest('started_at') !== winner || newest('completed_at') !== winner) ambiguousOrder++;
    const expected = memorializedFields(type, winner, agentNames.get(winner.agent_id) ?? winner.agent_id);
    const actual = fieldsOf.get(key) ?? {};
    const wrong = Object.entries(expected).filter(([field, value]) => (actual[field] ?? null) !== value);
    if (wrong.length > 0) {
      stale++;
      if (examples.length < 6) {
        const older = linked.find((i) => i !== winner && Object.entries(memorializedFields(type, i, agentNames.get(i.agent_id) ?? '')).every(([f, v]) => (actual[f] ?? null) === v));
        examples.push(
          `stale: ${type} ${id} has ${wrong.map(([f]) => `${f}=${String(actual[f])}`).join(', ')}, not the newest call's (${winner.id})${older ? `: it is the older call ${older.id}'s` : ''}`,
        );
      }
    }
  }
  const jobs = await db.rows<{ status: string; n: number | string }>('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status');
  const count = (status: string[]) => jobs.filter((j) => status.includes(j.status)).reduce((a, j) => a + Number(j.n), 0);
  return {
    completedInteractions: interactions.size,
    pairs: links.length,
    lost,
    doubled,
    records: byRecord.size,
    stale,
    ambiguousOrder,
    examples,
    jobsOpen: count(['pending', 'running']),
    jobsDead: count(['dead']),
  };
}

export interface JobRow {
  id: number;
  subject: string | null;
  status: string;
  attempts: number;
  lease_until: string | null;
  finished_at: string | null;
}

/** The jobs leased (running) right now. */
export async function runningJobs(db: AuditDb): Promise<JobRow[]> {
  return db.rows<JobRow>("SELECT id, subject, status, attempts, lease_until, finished_at FROM jobs WHERE status = 'running'");
}

/** Jobs not done yet (pending or running), however far their retry lies. */
export async function openJobs(db: AuditDb): Promise<number> {
  const [row] = await db.rows<{ n: number | string }>("SELECT COUNT(*) AS n FROM jobs WHERE status IN ('pending', 'running')");
  return Number(row?.n ?? 0);
}

export interface Takeover {
  /** Jobs leased when the process was killed (by either process, on PostgreSQL). */
  leasedAtKill: number;
  /** Of those, the dead process's: claimed again afterwards (their attempts went up). */
  orphaned: number;
  /** Kill → the last orphaned job done (ms); null when the dead process held none. */
  ms: number | null;
  /** Orphaned jobs still not done when the trial ended. */
  notTakenOver: number;
  /** How long the leases seen at the kill still had to run (ms, the longest). */
  leaseLeftMs: number | null;
}

/**
 * From the jobs table: the jobs leased at the kill whose attempts rose after it were the dead process's
 * (a live worker finishes its own without claiming them again); the takeover ends when the last of them
 * is done. Times are the product's own (finished_at) against the kill's wall-clock time.
 */
export async function measureTakeover(db: AuditDb, atKill: JobRow[], killedAt: number): Promise<Takeover> {
  if (atKill.length === 0) return { leasedAtKill: 0, orphaned: 0, ms: null, notTakenOver: 0, leaseLeftMs: null };
  const now = await db.rows<JobRow>(
    `SELECT id, subject, status, attempts, lease_until, finished_at FROM jobs WHERE id IN (${atKill.map(() => '?').join(', ')})`,
    atKill.map((j) => j.id),
  );
  const after = new Map(now.map((j) => [Number(j.id), j]));
  const orphaned = atKill.filter((j) => (after.get(Number(j.id))?.attempts ?? 0) > j.attempts);
  const done = orphaned.map((j) => after.get(Number(j.id))!).filter((j) => j.status === 'done' && j.finished_at);
  const leaseLeft = atKill.filter((j) => j.lease_until).map((j) => Date.parse(j.lease_until!) - killedAt);
  return {
    leasedAtKill: atKill.length,
    orphaned: orphaned.length,
    ms: orphaned.length === 0 ? null : done.length < orphaned.length ? null : Math.max(...done.map((j) => Date.parse(j.finished_at!) - killedAt)),
    notTakenOver: orphaned.length - done.length,
    leaseLeftMs: leaseLeft.length ? Math.max(...leaseLeft) : null,
  };
}
