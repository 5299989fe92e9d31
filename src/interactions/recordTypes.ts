import type { RecordTypeDescription } from '../crm/port.js';
import type { WorkflowEngine } from '../workflows/engine.js';
import { findWorkflow } from '../workflows/configuration.js';
import { runWorkflow, WorkflowFailedError } from '../workflows/invoke.js';

/**
 * A record type as the CRM describes it (labels, kinds, writability, choices), through the configuration's
 * Custom Search (`{ describe: … }`): the one way services read a CRM's metadata. The connector caches it.
 * Undefined when the configuration has no Custom Search or the CRM could not say: callers then fall back
 * to what they know (dynamic data mappings), never to a failure of the whole card.
 */
export async function describeRecordType(
  engine: WorkflowEngine,
  configurationId: string,
  which: { entity: string } | { standard: string },
): Promise<{ description: RecordTypeDescription; standardFields?: Readonly<Record<string, string>> } | undefined> {
  const configuration = engine.configuration(configurationId);
  if (!configuration || !findWorkflow(configuration, { kind: 'search', variant: 'custom' })) return undefined;
  try {
    const result = await runWorkflow(engine, configurationId, { kind: 'search', variant: 'custom' }, { describe: which });
    return result.description ? { description: result.description, standardFields: result.standardFields } : undefined;
  } catch (error) {
    if (error instanceof WorkflowFailedError) return undefined;
    throw error;
  }
}

/** The New case form's priority: the CRM's own choices and default, from its case type's description. */
export async function casePriorityOf(engine: WorkflowEngine, configurationId: string): Promise<{ choices: Array<{ value: string; label: string }>; defaultValue?: string } | undefined> {
  const described = await describeRecordType(engine, configurationId, { standard: 'case' });
  const field = described?.standardFields?.priority;
  const priority = field ? described.description.fields[field] : undefined;
  if (!priority?.choices?.length) return undefined;
  return { choices: priority.choices, ...(priority.defaultValue ? { defaultValue: priority.defaultValue } : {}) };
}
