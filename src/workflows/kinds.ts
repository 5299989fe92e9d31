import type { z } from 'zod';
import type { WorkflowKind } from './configuration.js';
import { create } from './create.js';
import { memorialize } from './memorialize.js';
import { search } from './search.js';
import { timeline } from './timeline.js';
import { update } from './update.js';

/** Every workflow kind, by the name configurations give it. */
export const WORKFLOW_KINDS = { search, create, update, timeline, memorialization: memorialize } satisfies Record<WorkflowKind, unknown>;

/** What a workflow of each kind returns on Success. */
export type WorkflowOutputs = {
  [K in WorkflowKind]: z.output<(typeof WORKFLOW_KINDS)[K]['result']>;
};
/** What some workflow returns, its kind unknown (the JSON contract's result set). */
export type WorkflowOutput = WorkflowOutputs[WorkflowKind];

const RESULT_SCHEMAS: { [K in WorkflowKind]: z.ZodType<WorkflowOutputs[K], z.ZodTypeDef, unknown> } = {
  search: search.result,
  create: create.result,
  update: update.result,
  timeline: timeline.result,
  memorialization: memorialize.result,
};

/** The schema a workflow's result is checked with before it is handed back, typed by its kind. */
export function resultSchemaOf<K extends WorkflowKind>(kind: K): z.ZodType<WorkflowOutputs[K], z.ZodTypeDef, unknown> {
  return RESULT_SCHEMAS[kind];
}
