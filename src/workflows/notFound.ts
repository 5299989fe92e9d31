import { CrmError } from '../crm/port.js';
import { WorkflowInputError } from './result.js';

/** A record the input names does not exist: that is the input's fault, so the ValidationError branch. */
export function rethrowNotFound(error: unknown, entity: string, id: string, field: string): never {
  if (error instanceof CrmError && error.status === 404) throw new WorkflowInputError(`no ${entity} with id "${id}"`, field);
  throw error;
}
