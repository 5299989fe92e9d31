import type { Logger } from 'pino';
import type { z } from 'zod';
import { describeIssues } from '../domain/errors.js';
import type { CrmConnector } from '../crm/port.js';
import { CrmError, type Capability } from '../crm/port.js';
import type { CrmConfiguration, CrmConfigurations, WorkflowDefinition, WorkflowKind } from './configuration.js';
import type { WorkflowKindModule } from './kind.js';
import { resultSchemaOf, WORKFLOW_KINDS, type WorkflowOutput, type WorkflowOutputs } from './kinds.js';
import { WorkflowInputError, WorkflowUnsupportedError, type Branch, type ErrorArgs, type Outcome, type WorkflowResult } from './result.js';

/** One Workflow Execute call (SPEC: the contract of the engine). */
export interface ExecuteRequest {
  configurationId: string;
  workflowId: string;
  /** The workflow's input as a JSON string: {"workflowInput": {...}, "timeoutMilliSec": "6000"?}. */
  payload: string;
  /** Overrides the payload's timeoutMilliSec. */
  timeoutMs?: number;
  /** The branches the caller defined; an outcome outside them takes Default. All six when omitted. */
  branches?: readonly Outcome[];
}

export interface EngineOptions {
  configurations: CrmConfigurations;
  connectorFor(configuration: CrmConfiguration): CrmConnector;
  logger: Logger;
  defaultRegion: string;
  defaultTimeoutMs?: number;
  clock?: () => Date;
}

const ID_FORM = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MAX_TIMEOUT_MS = 120_000;
const MAX_PAYLOAD_BYTES = 256 * 1024;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind narrows its own definition type
const KINDS: Record<WorkflowDefinition['kind'], WorkflowKindModule<any, any, any>> = WORKFLOW_KINDS;

/** A workflow answered something its kind does not return (a connector's fault): the InternalError branch. */
class UnexpectedResult extends Error {
  constructor(
    definition: WorkflowDefinition,
    readonly issues: z.ZodError,
  ) {
    super(`workflow "${definition.id}" (${definition.kind}) returned a result that is not a ${definition.kind} result: ${describeIssues(issues.issues)}`);
    this.name = 'UnexpectedResult';
  }
}

class Outcomes {
  constructor(
    readonly outcome: Exclude<Outcome, 'Success'>,
    readonly errorArgs: ErrorArgs,
  ) {}
}

/** The workflow engine: the one path from the product to a CRM. */
export class WorkflowEngine {
  private readonly defaultTimeoutMs: number;
  private readonly clock: () => Date;

  constructor(private readonly options: EngineOptions) {
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 10_000;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Runs one workflow and returns exactly one branch. Never throws. Its result set is checked against its kind's. */
  execute(request: ExecuteRequest): Promise<WorkflowResult<WorkflowOutput>> {
    return this.executeChecked(request, (definition) => resultSchemaOf(definition.kind));
  }

  /**
   * The typed client: runs a workflow that must be of `kind`, and returns that kind's result set. A
   * workflow of another kind is the InvalidWorkflow branch.
   */
  executeKind<K extends WorkflowKind>(kind: K, request: ExecuteRequest): Promise<WorkflowResult<WorkflowOutputs[K]>> {
    return this.executeChecked(request, (definition) => {
      if (definition.kind !== kind) {
        throw new Outcomes('InvalidWorkflow', { message: `workflow "${definition.id}" is a ${definition.kind} workflow, not a ${kind} one`, field: 'workflowId' });
      }
      return resultSchemaOf(kind);
    });
  }

  private async executeChecked<T>(request: ExecuteRequest, resultSchema: (definition: WorkflowDefinition) => z.ZodType<T, z.ZodTypeDef, unknown>): Promise<WorkflowResult<T>> {
    const started = performance.now();
    const finish = (outcome: Outcome, extra: { resultSet?: T; errorArgs?: ErrorArgs }): WorkflowResult<T> => {
      const branch: Branch = !request.branches || request.branches.includes(outcome) ? outcome : 'Default';
      const result: WorkflowResult<T> = {
        branch,
        outcome,
        ...extra,
        configurationId: request.configurationId,
        workflowId: request.workflowId,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      };
      this.options.logger.debug({ workflowId: request.workflowId, configurationId: request.configurationId, outcome, ms: result.durationMs }, 'workflow executed');
      return result;
    };

    try {
      const { configuration, definition, input, timeoutMs } = this.resolve(request);
      const schema = resultSchema(definition);
      const resultSet = schema.safeParse(await this.runWithTimeout(configuration, definition, input, timeoutMs));
      if (!resultSet.success) throw new UnexpectedResult(definition, resultSet.error);
      return finish('Success', { resultSet: resultSet.data });
    } catch (error) {
      const { outcome, errorArgs } = this.classify(error, request);
      return finish(outcome, { errorArgs });
    }
  }

  /** The configuration a caller uses when it names none. */
  get defaultConfigurationId(): string | undefined {
    const { configurations } = this.options;
    return configurations.defaultConfigurationId ?? configurations.configurations[0]?.id;
  }

  configuration(id: string): CrmConfiguration | undefined {
    return this.options.configurations.configurations.find((c) => c.id === id);
  }

  private resolve(request: ExecuteRequest) {
    const { configurations } = this.options;
    if (!configurations.integrationsEnabled || configurations.configurations.length === 0) {
      throw new Outcomes('NotConfigured', {
        message: 'Agent integrations are not enabled: no CRM configuration is set up for this tenant.',
      });
    }
    if (typeof request.configurationId !== 'string' || !ID_FORM.test(request.configurationId)) {
      throw new Outcomes('ValidationError', { message: 'configurationId: not a valid configuration ID', field: 'configurationId' });
    }
    const configuration = this.configuration(request.configurationId);
    if (!configuration) {
      throw new Outcomes('ValidationError', {
        message: `configurationId: no CRM configuration "${request.configurationId}"`,
        field: 'configurationId',
      });
    }
    if (typeof request.workflowId !== 'string' || !ID_FORM.test(request.workflowId)) {
      throw new Outcomes('ValidationError', { message: 'workflowId: not a valid workflow ID', field: 'workflowId' });
    }
    const definition = configuration.workflows.find((w) => w.id === request.workflowId);
    if (!definition || !definition.enabled) {
      throw new Outcomes('InvalidWorkflow', {
        message: definition
          ? `workflow "${request.workflowId}" is not enabled for configuration "${configuration.id}"`
          : `workflow "${request.workflowId}" is not defined for configuration "${configuration.id}"`,
        field: 'workflowId',
      });
    }

    if (typeof request.payload !== 'string' || Buffer.byteLength(request.payload) > MAX_PAYLOAD_BYTES) {
      throw new Outcomes('ValidationError', {
        message: `payload: must be a JSON string of at most ${MAX_PAYLOAD_BYTES / 1024} KB`,
        field: 'payload',
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(request.payload);
    } catch (error) {
      throw new Outcomes('ValidationError', { message: `payload: not valid JSON (${(error as Error).message})`, field: 'payload' });
    }
    if (request.timeoutMs !== undefined && !(Number.isInteger(request.timeoutMs) && request.timeoutMs >= 1 && request.timeoutMs <= MAX_TIMEOUT_MS)) {
      throw new Outcomes('ValidationError', { message: `timeoutMs: must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`, field: 'timeoutMs' });
    }
    const timeoutMs = request.timeoutMs ?? payloadTimeout(json) ?? this.defaultTimeoutMs;
    const schema = KINDS[definition.kind].input(definition) as z.ZodType;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new Outcomes('ValidationError', {
        message: describeIssues(parsed.error.issues),
        field: first?.path.length ? first.path.map(String).join('.') : undefined,
      });
    }
    return { configuration, definition, input: parsed.data, timeoutMs };
  }

  private async runWithTimeout(configuration: CrmConfiguration, definition: WorkflowDefinition, input: unknown, timeoutMs: number): Promise<unknown> {
    const connector = this.options.connectorFor(configuration);
    const cannot = connector.unsupported[capabilityOf(definition)];
    if (cannot) throw new Outcomes('InvalidWorkflow', { message: `workflow "${definition.id}": ${cannot}`, field: 'workflowId' });
    // The deadline starts only now: a timer left behind by a throw above would reject into nowhere later.
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Outcomes('Timeout', { message: `workflow "${definition.id}" took longer than ${timeoutMs} ms` }));
      }, timeoutMs);
    });
    try {
      const run = KINDS[definition.kind].run(input, {
        connector,
        definition,
        configuration,
        signal: controller.signal,
        defaultRegion: this.options.defaultRegion,
        now: this.clock(),
      });
      return await Promise.race([run, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private classify(error: unknown, request: ExecuteRequest): { outcome: Exclude<Outcome, 'Success'>; errorArgs: ErrorArgs } {
    if (error instanceof Outcomes) return error;
    if (error instanceof WorkflowUnsupportedError) {
      return { outcome: 'InvalidWorkflow', errorArgs: { message: `workflow "${request.workflowId}": ${error.message}`, field: 'workflowId' } };
    }
    if (error instanceof WorkflowInputError) {
      return { outcome: 'ValidationError', errorArgs: { message: error.message, field: error.field } };
    }
    if (error instanceof CrmError && error.status === 400 && error.fieldErrors) {
      const [field] = Object.keys(error.fieldErrors);
      return {
        outcome: 'ValidationError',
        errorArgs: { message: `The CRM refused the record: ${describeFieldErrors(error.fieldErrors)}`, field },
      };
    }
    this.options.logger.warn({ err: error, workflowId: request.workflowId, configurationId: request.configurationId }, 'workflow failed');
    const message =
      error instanceof CrmError && (error.status === 401 || error.status === 403)
        ? `The CRM refused the credentials of configuration "${request.configurationId}" (HTTP ${error.status}); an admin must renew them.`
        : error instanceof CrmError
          ? `The CRM failed${error.status ? ` (HTTP ${error.status})` : ''}: ${error.message}`
          : 'The workflow failed unexpectedly; the details are in the server log.';
    return { outcome: 'InternalError', errorArgs: { message } };
  }
}

function payloadTimeout(json: unknown): number | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const raw = (json as Record<string, unknown>).timeoutMilliSec;
  if (raw === undefined) return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 1 || ms > MAX_TIMEOUT_MS) {
    throw new Outcomes('ValidationError', {
      message: `timeoutMilliSec: must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
      field: 'timeoutMilliSec',
    });
  }
  return ms;
}

function describeFieldErrors(fieldErrors: Record<string, string>): string {
  return Object.entries(fieldErrors)
    .map(([field, message]) => `${field}: ${message}`)
    .join('; ');
}

function capabilityOf(definition: WorkflowDefinition): Capability {
  switch (definition.kind) {
    case 'search':
      return definition.variant === 'ani' ? 'search.ani' : 'search.custom';
    case 'create':
      return definition.variant === 'standard' ? 'create.standard' : 'create.custom';
    default:
      return definition.kind;
  }
}
