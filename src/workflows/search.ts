import { z } from 'zod';
import type { CrmRecord } from '../domain/crmRecord.js';
import type { RecordTypeDescription, SearchableRole } from '../crm/port.js';
import { isStandardRecordType } from '../crm/standardRecords.js';
import { toE164 } from '../domain/phone.js';
import { FilterSyntaxError, parseFilter } from '../crm/filter.js';
import { CrmError } from '../crm/port.js';
import type { WorkflowDefinition } from './configuration.js';
import { entitySchema, recordRefSchema } from './fieldValues.js';
import { crmRecordSchema, recordTypeDescriptionSchema } from './recordSchemas.js';
import type { WorkflowKindModule } from './kind.js';
import { WorkflowInputError } from './result.js';
import { variantByKey } from './variantByKey.js';

type SearchDefinition = Extract<WorkflowDefinition, { kind: 'search' }>;

export interface SearchResult {
  /** The records that matched the search itself. */
  records: CrmRecord[];
  /** For Search for ANI: the open cases of the matched contacts (data-dip step 3). */
  related: CrmRecord[];
  /** For a text search: the types the CRM refused to search (a missing permission), with the reason. */
  refused?: Array<{ type: string; reason: string }>;
  /** For a describe: the record type as the CRM describes it (labels, kinds, writability, choices). */
  description?: RecordTypeDescription;
  /** For a describe by standard record: the CRM's name of each of its standard fields (priority → Priority). */
  standardFields?: Readonly<Record<string, string>>;
}

const searchResultSchema: z.ZodType<SearchResult, z.ZodTypeDef, unknown> = z
  .object({
    records: z.array(crmRecordSchema),
    related: z.array(crmRecordSchema),
    refused: z.array(z.object({ type: z.string(), reason: z.string() }).passthrough()).optional(),
    description: recordTypeDescriptionSchema.optional(),
    standardFields: z.record(z.string()).optional(),
  })
  .passthrough();

const SEARCHABLE_ROLES = ['person', 'organization', 'lead', 'case'] as const satisfies readonly SearchableRole[];

const aniInput = z
  .object({
    workflowInput: z
      .object({ phoneNumber: z.string().min(1).max(40).optional(), email: z.string().email().max(254).optional() })
      .strict()
      .refine((i) => !!i.phoneNumber !== !!i.email, 'give exactly one of phoneNumber or email'),
  })
  .passthrough();

const customInput = z
  .object({
    workflowInput: variantByKey({
      search: z
        .object({
          search: z.object({ entity: entitySchema, filter: z.string().max(2000).default('') }).strict(),
          limit: z.number().int().min(1).max(200).default(50),
        })
        .strict(),
      // The activities (timeline) regarding one record, newest first, in whatever form the CRM keeps them.
      activitiesOf: z.object({ activitiesOf: recordRefSchema, limit: z.number().int().min(1).max(200).default(50) }).strict(),
      // What an agent typed, over records of the given roles, as far as the CRM's search allows.
      text: z
        .object({
          text: z.object({ query: z.string().trim().min(2).max(100), roles: z.array(z.enum(SEARCHABLE_ROLES)).min(1).max(4) }).strict(),
          limit: z.number().int().min(1).max(200).default(25),
        })
        .strict(),
      // A record type as the CRM describes it: by its own name, or by the standard record it stores.
      describe: z
        .object({
          describe: variantByKey({
            entity: z.object({ entity: entitySchema }).strict(),
            standard: z.object({ standard: z.string().refine(isStandardRecordType, 'is not a standard record type') }).strict(),
          }),
        })
        .strict(),
    }),
  })
  .passthrough();

type AniInput = z.infer<typeof aniInput>;
type CustomInput = z.infer<typeof customInput>;

const MAX_RECORDS_FOR_CASES = 5;

/** Search for ANI and Custom Search (SPEC: the five kinds). */
export const search: WorkflowKindModule<SearchDefinition, AniInput | CustomInput, SearchResult> = {
  input: (definition) => (definition.variant === 'ani' ? aniInput : customInput),
  result: searchResultSchema,

  async run(input, { connector, signal, defaultRegion, definition }) {
    if (definition.variant === 'custom') {
      const workflowInput = (input as CustomInput).workflowInput;
      if ('text' in workflowInput) {
        const { records, refused } = await connector.searchText(workflowInput.text.query, workflowInput.text.roles, { signal, limit: workflowInput.limit });
        return { records, related: [], refused };
      }
      if ('describe' in workflowInput) {
        const which = workflowInput.describe;
        const native = 'standard' in which ? connector.standardTypes[which.standard as keyof typeof connector.standardTypes] : undefined;
        const entity = 'entity' in which ? which.entity : native?.type;
        if (!entity) throw new WorkflowInputError(`this CRM has no standard "${'standard' in which ? which.standard : ''}" record`, 'workflowInput.describe.standard');
        return { records: [], related: [], description: await connector.describe(entity, { signal }), ...(native ? { standardFields: native.fields } : {}) };
      }
      if ('activitiesOf' in workflowInput) {
        const { activitiesOf, limit } = workflowInput;
        return { records: await connector.listActivities({ type: activitiesOf.entity, id: activitiesOf.id }, { signal, limit }), related: [] };
      }
      const { search: query, limit } = workflowInput;
      let filter = null;
      try {
        filter = query.filter.trim() ? parseFilter(query.filter) : null;
      } catch (error) {
        if (error instanceof FilterSyntaxError) {
          throw new WorkflowInputError(`${error.message} at "${error.token}"`, 'workflowInput.search.filter');
        }
        throw error;
      }
      return { records: await connector.query(query.entity, filter, { signal, limit }), related: [] };
    }

    const { phoneNumber, email } = (input as AniInput).workflowInput;
    let records: CrmRecord[];
    if (phoneNumber !== undefined) {
      const e164 = toE164(phoneNumber, defaultRegion);
      if (!e164) throw new WorkflowInputError(`"${phoneNumber}" is not a phone number`, 'workflowInput.phoneNumber');
      records = await connector.findByPhone(e164, { signal });
    } else {
      records = await connector.findByEmail(email!, { signal });
    }
    // Data-dip step 3: the open cases of who was found (the CRM knows which records can have cases).
    const related: CrmRecord[] = [];
    const refused: NonNullable<SearchResult['refused']> = [];
    const seen = new Set<string>();
    for (const record of records.slice(0, MAX_RECORDS_FOR_CASES)) {
      let cases: CrmRecord[];
      try {
        cases = await connector.openCases(record, { signal, limit: 20 });
      } catch (error) {
        // A missing permission on the cases (a 403 on one ticket list) keeps who was found, and says so.
        if (!(error instanceof CrmError) || error.status !== 403) throw error;
        if (!refused.length) refused.push({ type: 'open cases', reason: error.message });
        continue;
      }
      for (const found of cases) {
        if (!seen.has(`${found.type}:${found.id}`)) related.push(found);
        seen.add(`${found.type}:${found.id}`);
      }
    }
    return refused.length ? { records, related, refused } : { records, related };
  },
};
