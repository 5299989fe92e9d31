/** The result branches of Workflow Execute (SPEC: the contract of the engine). */
export const OUTCOMES = ['Success', 'ValidationError', 'InvalidWorkflow', 'NotConfigured', 'Timeout', 'InternalError'] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** Default is taken when the caller defined no branch for the outcome that happened. */
export type Branch = Outcome | 'Default';

export interface ErrorArgs {
  message: string;
  /** The input field at fault, as a path ("workflowInput.phoneNumber"), when one is. */
  field?: string;
}

export interface WorkflowResult<T = unknown> {
  branch: Branch;
  /** What happened, even when the branch taken is Default. */
  outcome: Outcome;
  /** The workflow's result (workflowResultOutput); present on Success only. */
  resultSet?: T;
  /** The error details (workflowErrorOutput); present on every other outcome. */
  errorArgs?: ErrorArgs;
  configurationId: string;
  workflowId: string;
  durationMs: number;
}

/** Raised inside a workflow when its input does not hold; becomes the ValidationError branch. */
export class WorkflowInputError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(field ? `${field}: ${message}` : message);
    this.name = 'WorkflowInputError';
  }
}

/** The workflow asks something this CRM cannot do; becomes the InvalidWorkflow branch, with the reason. */
export class WorkflowUnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkflowUnsupportedError';
  }
}
