import { z } from 'zod';
import { describeIssues, invalidInput } from '../domain/errors.js';
import { FIELD_INPUT_PREFIX } from '../cards/recordDetailsCard.js';

/**
 * Schemas of the data each card action carries (our own data plus the card's inputs, which Teams merges
 * in). Everything a client sends is parsed here before use; a failure names the field.
 */
const interactionId = z.string().uuid('must be an interaction ID');
const recordType = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a record type');
const recordId = z.string().min(1).max(200);
/** Card inputs arrive as strings; an empty input means "not given". */
const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined));

export const interactionData = z.object({ interactionId }).passthrough();
export const recordData = z.object({ interactionId, recordType, recordId }).passthrough();
/** A record from a search outside a call: no interaction, only the record. */
export const lookupData = z.object({ recordType, recordId }).passthrough();
export const searchData = z.object({ interactionId, query: z.string().trim().min(1, 'type what to search for').max(100) }).passthrough();
export const contactData = z
  .object({
    interactionId,
    firstName: optionalText(80),
    lastName: z.string().trim().min(1, 'is required').max(80),
    phone: optionalText(40),
    email: optionalText(254).pipe(z.string().email('must be an email address').optional()),
  })
  .passthrough();
export const caseData = z.object({ interactionId, subject: z.string().trim().min(1, 'is required').max(200), description: optionalText(4000), priority: optionalText(100) }).passthrough();
export const customRecordData = z.object({ interactionId, entity: recordType, fields: z.string().min(1, 'give at least one field').max(8000) }).passthrough();
export const duplicatesData = z.object({ interactionId, duplicateQuery: z.string().trim().min(2, 'type at least 2 characters').max(100) }).passthrough();
export const mergeData = z.object({ interactionId, customerId: z.string().uuid('must be a customer card ID') }).passthrough();
export const completeAcwData = z.object({ interactionId, disposition: z.string().trim().min(1, 'choose a disposition').max(200), notes: z.string().max(8000).default('') }).passthrough();

/** The digital card (issue 14): a reply, the thread's outcome, and letting it go. */
export const replyData = z
  .object({ interactionId, replyId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, "must be the card's reply ID"), replyText: z.string().trim().min(1, 'type a reply').max(2000) })
  .passthrough();
export const outcomeData = z
  .object({
    interactionId,
    threadStatus: z.enum(['New', 'Open', 'Pending', 'Escalated', 'Resolved', 'Closed'], { message: 'choose a status' }),
    threadTags: z.string().max(500).default(''),
    threadNotes: z.string().max(4000).default(''),
  })
  .passthrough();
export const transferData = z.object({ interactionId, transferTo: z.string().regex(/^(agent:[^\s]{1,200}|skill:[A-Za-z0-9\-_.:]{2,30})$/, 'choose an agent or a skill') }).passthrough();

/** Parses action data or throws an invalid-input error naming the bad field. */
export function parseActionData<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, data: unknown): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw invalidInput(`The card sent bad data: ${describeIssues(parsed.error.issues)}.`);
  return parsed.data;
}

/** "name=value" lines of the custom record form, as a field map. */
export function parseFieldLines(textValue: string): Record<string, string> {
  const fields: Record<string, string> = {};
  textValue
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .forEach((line, index) => {
      const eq = line.indexOf('=');
      const name = eq > 0 ? line.slice(0, eq).trim() : '';
      if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name)) {
        throw invalidInput(`Fields, line ${index + 1}: write name=value, with a name of letters, digits and "_".`);
      }
      fields[name] = line.slice(eq + 1).trim();
    });
  if (Object.keys(fields).length === 0) throw invalidInput('Fields: give at least one name=value line.');
  return fields;
}

/** The edit form's inputs ("field_<name>") as a field map, ready for the update workflow. */
export function editedFields(data: Record<string, unknown>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!key.startsWith(FIELD_INPUT_PREFIX) || typeof value !== 'string') continue;
    const name = key.slice(FIELD_INPUT_PREFIX.length);
    if (/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name) && value.length <= 1000) fields[name] = value.trim();
  }
  if (Object.keys(fields).length === 0) throw invalidInput('Nothing to save: the edit form sent no field.');
  return fields;
}
