import { refKey, type RecordRef } from '../domain/crmRecord.js';
import { notFound } from '../domain/errors.js';
import { linkOf } from '../domain/interaction.js';
import type { RecordDetails } from '../domain/recordDetails.js';
import { runWorkflow } from '../workflows/invoke.js';
import type { CardQueryDeps } from './cardDrawing.js';
import { recordDetails } from './recordDetailsQuery.js';
import { quote } from './searchPlan.js';

const MAX_AGENTS = 1000;

/**
 * The records each agent's last search outside a call found: the only ones Details may read for them
 * outside a call. A Details click for any other record, existing or not, gets the same answer, so the
 * button cannot be used to probe the CRM for ids. Kept in this process (bounded): with several instances
 * behind one bot, a click another instance answers says to search again.
 */
export class SearchLookups {
  private readonly byAgent = new Map<string, Set<string>>();

  remember(agentId: string, refs: readonly RecordRef[]): void {
    this.byAgent.delete(agentId);
    if (this.byAgent.size >= MAX_AGENTS) this.byAgent.delete(this.byAgent.keys().next().value!);
    this.byAgent.set(agentId, new Set(refs.map(refKey)));
  }

  found(agentId: string, ref: RecordRef): boolean {
    return this.byAgent.get(agentId)?.has(refKey(ref)) ?? false;
  }
}

/**
 * Details of a record the agent's last search outside a call found, read only. Any other record, existing or
 * not, gets the same answer.
 */
export async function lookupDetails(deps: CardQueryDeps, lookups: SearchLookups, agentId: string, ref: RecordRef): Promise<RecordDetails> {
  const gone = () => notFound('That search result is not available any more: search again, then open its Details.');
  const configurationId = deps.engine.defaultConfigurationId;
  if (!configurationId || !lookups.found(agentId, ref)) throw gone();
  const filter = `id = ${quote(ref.id)}`;
  const [record] = (await runWorkflow(deps.engine, configurationId, { kind: 'search', variant: 'custom' }, { search: { entity: ref.type, filter }, limit: 1 })).records;
  if (!record) throw gone();
  const link = linkOf(record, { interactionId: '', linked: false, origin: 'search' });
  return recordDetails(deps, { interactionId: null, configurationId, agentId, readOnly: true }, link, { fresh: true });
}
