import type { CrmRecord } from '../domain/crmRecord.js';
import type { Notice } from '../domain/customerCard.js';
import type { WorkflowEngine } from '../workflows/engine.js';
import { runWorkflow } from '../workflows/invoke.js';
import type { SearchPlan } from './searchPlan.js';

const MAX_SEARCH_RESULTS = 25;

export interface AgentSearchResult {
  records: CrmRecord[];
  /** Types the CRM refused to search (a missing permission): the found records are kept, the card says so. */
  refused: Array<{ type: string; reason: string }>;
}

/**
 * Runs an agent's search: a phone number or email by Search for ANI, any other text by one Custom Search of
 * `{ text: { query, roles } }` (the connector's own text search, by role).
 */
export async function runAgentSearch(engine: WorkflowEngine, configurationId: string, plan: SearchPlan): Promise<AgentSearchResult> {
  if (plan.kind === 'phone' || plan.kind === 'email') {
    const input = plan.kind === 'phone' ? { phoneNumber: plan.value } : { email: plan.value };
    const result = await runWorkflow(engine, configurationId, { kind: 'search', variant: 'ani' }, input);
    return { records: [...result.records, ...result.related].slice(0, MAX_SEARCH_RESULTS), refused: result.refused ?? [] };
  }
  const result = await runWorkflow(engine, configurationId, { kind: 'search', variant: 'custom' }, { text: { query: plan.query, roles: plan.roles }, limit: MAX_SEARCH_RESULTS });
  return { records: result.records.slice(0, MAX_SEARCH_RESULTS), refused: result.refused ?? [] };
}

/** What the card says of a search: how many were found and, when the CRM refused a type, which permission is missing. */
export function searchNotice(query: string, { records, refused }: AgentSearchResult): Notice {
  const found = `${records.length === 0 ? 'No' : records.length} record${records.length === 1 ? '' : 's'} found for "${query}"`;
  const where = records.length ? `${found}; they are under Related Interactions on the Customer Card.` : `${found}.`;
  if (refused.length === 0) return { kind: records.length ? 'info' : 'warning', text: where };
  const missing = refused.map((r) => `${r.type} (${r.reason})`).join('; ');
  return { kind: 'warning', text: `${where} The CRM did not let you search ${missing}: ask your admin for that permission.` };
}
