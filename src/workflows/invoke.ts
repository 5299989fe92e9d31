import { AppError } from '../domain/errors.js';
import { findWorkflow, type WorkflowDefinition, type WorkflowKind } from './configuration.js';
import type { WorkflowEngine } from './engine.js';
import type { WorkflowOutputs } from './kinds.js';
import type { Outcome } from './result.js';

const NEXT_STEP: Record<Exclude<Outcome, 'Success'>, string> = {
  ValidationError: 'Check the values and try again.',
  InvalidWorkflow: 'Ask your admin to enable this workflow in the CRM configuration.',
  NotConfigured: 'Ask your admin to set up a CRM configuration.',
  Timeout: 'The CRM is slow to answer; try again in a moment.',
  InternalError: 'Try again; if it keeps failing, tell your admin.',
};

/** A workflow the product ran for a person did not succeed; the message says which, how, and what next. */
export class WorkflowFailedError extends AppError {
  constructor(
    readonly workflow: string,
    readonly outcome: Exclude<Outcome, 'Success'>,
    detail: string,
  ) {
    super('crm_failure', `${workflow} ended in ${outcome}: ${detail} ${NEXT_STEP[outcome]}`);
  }
}

/** Finds the configuration's enabled workflow of a kind, or says plainly that there is none. */
export function requireWorkflow(engine: WorkflowEngine, configurationId: string, match: { kind: WorkflowKind; variant?: string; recordType?: string }): WorkflowDefinition {
  const configuration = engine.configuration(configurationId);
  const workflow = configuration && findWorkflow(configuration, match);
  if (!workflow) {
    const what = [match.variant, match.recordType, match.kind].filter(Boolean).join(' ');
    throw new AppError('config', `The CRM configuration "${configurationId}" has no enabled ${what} workflow. Ask your admin to enable one.`);
  }
  return workflow;
}

/**
 * Runs one workflow for a person and returns its result set, typed by the kind asked for and checked
 * against it (see WorkflowEngine.executeKind), or throws WorkflowFailedError.
 */
export async function runWorkflow<K extends WorkflowKind>(
  engine: WorkflowEngine,
  configurationId: string,
  match: { kind: K; variant?: string; recordType?: string },
  workflowInput: unknown,
): Promise<WorkflowOutputs[K]> {
  const workflow = requireWorkflow(engine, configurationId, match);
  const result = await engine.executeKind(match.kind, {
    configurationId,
    workflowId: workflow.id,
    payload: JSON.stringify({ workflowInput }),
  });
  if (result.outcome !== 'Success' || !result.resultSet) {
    throw new WorkflowFailedError(workflow.name, result.outcome === 'Success' ? 'InternalError' : result.outcome, result.errorArgs?.message ?? 'no detail');
  }
  return result.resultSet;
}
