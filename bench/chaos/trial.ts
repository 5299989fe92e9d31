import type { Recorder } from '../lib/recorder.js';
import { sleep } from '../lib/stats.js';
import { LaneAgent } from './agents.js';
import { auditWrites, measureTakeover, openJobs, runningJobs, type JobRow, type Takeover, type WritesAudit } from './audit.js';
import { Fleet } from './fleet.js';
import type { ChaosOptions } from './options.js';
import { freshStore, type AuditDb } from './store.js';

const DISPOSITIONS = ['Resolved', 'Follow-up needed', 'Escalated', 'Callback requested', 'Wrong number'];
/** From a Complete ACW sent to the victim, how long to look for a leased job; and how many such tries. */
const WAIT_FOR_LEASE_MS = 400;
const TRIES = 10;

export interface TrialResult {
  backend: 'sqlite' | 'postgres';
  trial: number;
  processes: number;
  victim: number;
  /** Completed ACWs (as the agents saw them) when the kill came, of the burst's calls. */
  killAfterCalls: number;
  calls: number;
  callsConfirmed: number;
  /** Steps that failed (around the kill, mostly): their agent was given up. */
  stepFailures: number;
  stepFailureExamples: string[];
  writes: WritesAudit;
  takeover: Takeover;
  /** Kill → the restarted process answered /healthz (ms). */
  restartMs: number;
  /** Last agent's step → every job done (ms), or the bound. */
  settleMs: number;
  settled: boolean;
  seconds: number;
}

/**
 * Contacts that are the only record with their phone (a call from it links the contact at once), those
 * with the most cases first (the card offers their open cases to link too): E.164 phone and id.
 */
export async function singleMatchContacts(db: AuditDb): Promise<Array<{ phone: string; id: string }>> {
  return db.rows<{ phone: string; id: string }>(
    `SELECT k.value AS phone, k.record_id AS id FROM crm_record_keys k WHERE k.kind = 'phone' AND k.record_type = 'contact'
     AND (SELECT COUNT(*) FROM crm_record_keys o WHERE o.kind = 'phone' AND o.value = k.value AND o.record_type IN ('account', 'contact', 'lead')) = 1
     ORDER BY (SELECT COUNT(*) FROM crm_record_keys c WHERE c.kind = 'ref:contactId' AND c.value = k.record_id AND c.record_type = 'case') DESC, k.record_id`,
  );
}

/**
 * One kill -9 trial: a fresh store; the bot processes; `lanes` agents' lanes each make `callsPerLane`
 * whole calls on their own few contacts (so later calls' memorialization lands on records that earlier
 * calls' jobs also write); at a random moment of the burst, once a job is leased, one process is killed
 * (SIGKILL) and started again; when every job is done, the tables are audited.
 */
export async function killTrial(
  options: ChaosOptions,
  backend: 'sqlite' | 'postgres',
  trial: number,
  run: string,
  random: () => number,
  recorder: Recorder,
  bundle: string,
  log: (m: string) => void,
): Promise<TrialResult> {
  const started = performance.now();
  const processes = backend === 'sqlite' ? 1 : 2;
  const store = await freshStore(backend, `chaos_${run}_${backend}_${trial}`, options.databaseUrl);
  let fleet: Fleet | undefined;
  let db: AuditDb | undefined;
  try {
    fleet = await Fleet.start(store, recorder, bundle, processes);
    db = await store.open();
    const phones = (await singleMatchContacts(db)).map((c) => c.phone);
    const { lanes, callsPerLane, recordsPerLane } = options;
    if (phones.length < lanes * recordsPerLane) throw new Error(`only ${phones.length} single-match contacts for ${lanes} × ${recordsPerLane}`);
    const calls = lanes * callsPerLane;
    const killAfterCalls = Math.floor(calls * (0.25 + random() * 0.35));
    const victim = Math.floor(random() * processes);

    let confirmed = 0;
    const failures: string[] = [];
    // The kill point: once killAfterCalls calls are complete, the next Complete ACW sent to the victim.
    // Its commit wakes the victim's own worker at once (the other polls once a second), so the jobs
    // leased right after it are, most likely, the victim's.
    let armed = false;
    /** Interactions completed through the victim: their jobs are leased by its worker, woken by the commit. */
    const sentToVictim = new Set<string>();
    let waiting: Array<() => void> = [];
    const nextSendToVictim = () => new Promise<void>((resolve) => waiting.push(resolve));
    const reachedKillPoint = () => {
      for (const resolve of waiting) resolve();
      waiting = [];
    };
    const lane = async (l: number) => {
      const own = phones.slice(l * recordsPerLane, (l + 1) * recordsPerLane);
      let serial = 0;
      const fresh = () => new LaneAgent(fleet!, l, `chaos-${run}-${backend}-${trial}-lane${l}-agent${serial++}`);
      // Two agents take the lane's calls in turn, one call at a time: a record's calls never overlap.
      const agents = [fresh(), fresh()];
      for (let k = 0; k < callsPerLane; k++) {
        const who = k % 2;
        try {
          const toVictim = (interactionId: string) => {
            if (l % processes !== victim) return;
            sentToVictim.add(interactionId);
            if (armed) reachedKillPoint();
          };
          await agents[who]!.call(own[k % own.length]!, DISPOSITIONS[(k + l) % DISPOSITIONS.length]!, `Chaos trial ${trial}, lane ${l}, call ${k}.`, toVictim);
          if (++confirmed >= killAfterCalls) armed = true;
        } catch (error) {
          failures.push((error as Error).message);
          // What the failed step did is unknown (the interaction may be open): this agent is given up.
          agents[who] = fresh();
        }
      }
    };
    const burst = Promise.all(Array.from({ length: lanes }, (_, l) => lane(l)));

    // The kill: from the kill point, as soon as a job is leased (else after TRIES looks, regardless).
    const killed = (async () => {
      let done = false;
      void burst.then(() => (done = true));
      // Looked for at each of a few Complete ACWs sent to the victim: its jobs may run between two looks.
      for (let tries = 0; tries < TRIES && !done; tries++) {
        await Promise.race([nextSendToVictim(), burst]);
        const until = performance.now() + WAIT_FOR_LEASE_MS;
        let leased = false;
        while (!leased && performance.now() < until) {
          leased = (await runningJobs(db!)).some((j) => j.subject !== null && sentToVictim.has(j.subject));
          // setImmediate, not a timer: as often as the harness can, still serving the agents' sockets.
          if (!leased) await new Promise<void>((resolve) => setImmediate(resolve));
        }
        if (leased) break;
      }
      const killedAt = await fleet!.kill(victim);
      // The victim is dead: what it leased is frozen; on PostgreSQL the other one's leases end within ms.
      const atKill: JobRow[] = (await runningJobs(db!)).map((j) => ({ ...j, id: Number(j.id), attempts: Number(j.attempts) }));
      await fleet!.restart(victim);
      return { killedAt, atKill, restartMs: Date.now() - killedAt };
    })();
    await burst;
    const kill = await killed;

    const settleStarted = performance.now();
    const deadline = settleStarted + options.settleSeconds * 1000;
    while ((await openJobs(db)) > 0 && performance.now() < deadline) await sleep(100);
    const settled = (await openJobs(db)) === 0;
    const settleMs = performance.now() - settleStarted;
    const writes = await auditWrites(db);
    const takeover = await measureTakeover(db, kill.atKill, kill.killedAt);
    const result: TrialResult = {
      backend,
      trial,
      processes,
      victim,
      killAfterCalls,
      calls,
      callsConfirmed: confirmed,
      stepFailures: failures.length,
      stepFailureExamples: failures.slice(0, 3),
      writes,
      takeover,
      restartMs: kill.restartMs,
      settleMs: Math.round(settleMs),
      settled,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
    log(
      `${backend} trial ${trial + 1}: ${writes.completedInteractions} calls, ${writes.pairs} (call, record) pairs: ${writes.lost} lost, ${writes.doubled} doubled, ${writes.stale}/${writes.records} records stale; ` +
        `killed process ${victim + 1}/${processes} holding ${takeover.orphaned} of ${takeover.leasedAtKill} leased jobs, taken over in ${takeover.ms === null ? '—' : `${(takeover.ms / 1000).toFixed(1)} s`}; ${result.seconds} s`,
    );
    return result;
  } finally {
    await db?.close().catch(() => undefined);
    await fleet?.stop().catch(() => undefined);
    await store.dispose().catch((error: unknown) => log(`could not remove the trial's store: ${(error as Error).message}`));
  }
}
