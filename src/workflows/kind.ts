import type { z } from 'zod';
import type { CrmConnector } from '../crm/port.js';
import type { CrmConfiguration, WorkflowDefinition } from './configuration.js';

/** What a workflow kind gets to run: its CRM, its definition and configuration, and the run's deadline. */
export interface WorkflowContext<D extends WorkflowDefinition = WorkflowDefinition> {
  connector: CrmConnector;
  definition: D;
  configuration: CrmConfiguration;
  signal: AbortSignal;
  defaultRegion: string;
  now: Date;
}

/**
 * One workflow kind: the schema of its `workflowInput`, how it runs, and the schema of what it returns.
 * The engine parses the payload with `input` (a failure is the ValidationError branch) before `run` is
 * called, and what `run` returns with `result` (a failure is the InternalError branch): callers get a
 * result of the kind's type, checked, never one cast to it.
 */
export interface WorkflowKindModule<D extends WorkflowDefinition, I, R> {
  input(definition: D): z.ZodType<I, z.ZodTypeDef, unknown>;
  run(input: I, context: WorkflowContext<D>): Promise<R>;
  result: z.ZodType<R, z.ZodTypeDef, unknown>;
}
