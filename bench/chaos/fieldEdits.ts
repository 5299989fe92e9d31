import { VERBS } from '../../src/cards/verbs.js';
import type { Recorder } from '../lib/recorder.js';
import { sleep } from '../lib/stats.js';
import { LaneAgent } from './agents.js';
import { completedInteractions, memorializedFields, openJobs } from './audit.js';
import { Fleet } from './fleet.js';
import type { ChaosOptions } from './options.js';
import { freshStore } from './store.js';
import { singleMatchContacts } from './trial.js';

/** The field the agent edits (on the record's edit form) and its value in pair `i`. */
const EDITED = 'accountName';
/** The agent's Save is sent this long (at random, up to) after the other agent's Complete ACW click. */
export const JITTER_MS = 25;

export interface FieldEditResult {
  backend: 'sqlite' | 'postgres';
  processes: number;
  pairs: number;
  /** Pairs that ran both writes (the others failed a step and are not counted). */
  ran: number;
  bothKept: number;
  editLost: number;
  memorializationLost: number;
  bothLost: number;
  stepFailures: number;
  examples: string[];
  seconds: number;
}

/**
 * Concurrent field-edit pairs: on each of `pairs` contacts, agent A completes ACW of a call linked to it
 * (its memorialization job writes lastContactAt, lastAgent, lastDisposition) while agent B, on a call of
 * its own with the same contact on the card, saves an edit of another field (accountName) through the
 * update action. Both writes must be in the record afterwards. On PostgreSQL, A and B use different
 * processes. `pairBatch` pairs run at once; each batch is checked when its jobs are done.
 */
export async function fieldEdits(
  options: ChaosOptions,
  backend: 'sqlite' | 'postgres',
  run: string,
  random: () => number,
  recorder: Recorder,
  bundle: string,
  log: (m: string) => void,
): Promise<FieldEditResult> {
  const started = performance.now();
  const processes = backend === 'sqlite' ? 1 : 2;
  const store = await freshStore(backend, `chaos_${run}_${backend}_edits`, options.databaseUrl);
  const result: FieldEditResult = { backend, processes, pairs: options.pairs, ran: 0, bothKept: 0, editLost: 0, memorializationLost: 0, bothLost: 0, stepFailures: 0, examples: [], seconds: 0 };
  const fleet = await Fleet.start(store, recorder, bundle, processes).catch(async (error: unknown) => {
    await store.dispose();
    throw error;
  });
  const db = await store.open();
  try {
    const contacts = await singleMatchContacts(db);
    for (let first = 0; first < options.pairs; first += options.pairBatch) {
      const batch = Array.from({ length: Math.min(options.pairBatch, options.pairs - first) }, (_, j) => first + j);
      if (batch.length > contacts.length) throw new Error(`only ${contacts.length} single-match contacts for ${batch.length} pairs at once`);
      const ran: Array<{ pair: number; contact: { phone: string; id: string }; acw: string; edit: string }> = [];
      await Promise.all(
        batch.map(async (pair, j) => {
          const contact = contacts[j]!;
          const a = new LaneAgent(fleet, 2 * pair, `chaos-${run}-${backend}-pair${pair}-acw`);
          const b = new LaneAgent(fleet, 2 * pair + 1, `chaos-${run}-${backend}-pair${pair}-edit`);
          const edit = `Edited in pair ${pair}`;
          try {
            const acw = await a.openCall(contact.phone);
            await a.say('hangup', /The call ended/);
            const open = await b.openCall(contact.phone);
            const jitter = random() * JITTER_MS;
            await Promise.all([
              a.invoke(VERBS.completeAcw, { interactionId: acw, disposition: 'Resolved', notes: `Pair ${pair}.` }, /After Call Work complete/),
              sleep(jitter).then(() => b.invoke(VERBS.updateRecord, { interactionId: open, recordType: 'contact', recordId: contact.id, [`field_${EDITED}`]: edit }, /Saved /)),
            ]);
            ran.push({ pair, contact, acw, edit });
          } catch (error) {
            result.stepFailures++;
            if (result.examples.length < 6) result.examples.push(`pair ${pair}: ${(error as Error).message}`);
          }
        }),
      );
      const deadline = performance.now() + options.settleSeconds * 1000;
      while ((await openJobs(db)) > 0 && performance.now() < deadline) await sleep(50);
      const { interactions, agentNames } = await completedInteractions(db);
      for (const { pair, contact, acw, edit } of ran) {
        const [row] = await db.rows<{ fields: string }>("SELECT fields FROM crm_records WHERE id = ? AND type = 'contact'", [contact.id]);
        const fields = JSON.parse(row!.fields) as Record<string, unknown>;
        const interaction = interactions.get(acw)!;
        const expected = memorializedFields('contact', interaction, agentNames.get(interaction.agent_id) ?? '');
        const editKept = fields[EDITED] === edit;
        const memorializationKept = Object.entries(expected).every(([f, v]) => (fields[f] ?? null) === v);
        result.ran++;
        if (editKept && memorializationKept) result.bothKept++;
        else if (!editKept && !memorializationKept) result.bothLost++;
        else if (!editKept) result.editLost++;
        else result.memorializationLost++;
        if ((!editKept || !memorializationKept) && result.examples.length < 6) {
          result.examples.push(
            `pair ${pair}: ${editKept ? '' : `${EDITED}=${String(fields[EDITED])} (the edit lost) `}${memorializationKept ? '' : `lastContactAt=${String(fields.lastContactAt)} (the memorialization lost)`}`.trim(),
          );
        }
      }
    }
  } finally {
    await db.close().catch(() => undefined);
    await fleet.stop().catch(() => undefined);
    await store.dispose().catch(() => undefined);
  }
  result.seconds = Math.round((performance.now() - started) / 100) / 10;
  log(
    `${backend} field edits: ${result.ran} pairs ran: ${result.bothKept} kept both, ${result.editLost} lost the edit, ${result.memorializationLost} the memorialization, ${result.bothLost} both; ${result.stepFailures} failed a step`,
  );
  return result;
}
