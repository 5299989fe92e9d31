import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isStandardRecordType, STANDARD_RECORDS } from '../crm/standardRecords.js';
import { describeIssues } from '../domain/errors.js';
import { connectorConfigurationSchema } from '../crm/registry.js';

/**
 * CRM configurations: what admins edit (config/crm-configurations.json by default). One configuration is
 * one connection to one CRM, with the workflows enabled on it and its mappings (SPEC: vocabulary).
 */
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, "-", "_" or "." (no spaces)');

const base = { id, name: z.string().min(1), enabled: z.boolean().default(true) };

export const workflowDefinitionSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('search'), variant: z.enum(['ani', 'custom']) }).strict(),
  z
    .object({
      ...base,
      kind: z.literal('create'),
      variant: z.enum(['standard', 'custom']),
      /** For a standard create: the one record type it creates. */
      recordType: z.string().optional(),
    })
    .strict(),
  z.object({ ...base, kind: z.literal('update') }).strict(),
  z.object({ ...base, kind: z.literal('timeline'), subject: z.string().default('Inbound call') }).strict(),
  z.object({ ...base, kind: z.literal('memorialization') }).strict(),
]);
export type WorkflowDefinition = z.infer<typeof workflowDefinitionSchema>;
export type WorkflowKind = WorkflowDefinition['kind'];

/** Interaction data a memorialization mapping may copy into a CRM field. */
export const MEMORIALIZATION_SOURCES = [
  'interaction.id',
  'interaction.ani',
  'interaction.channel',
  'interaction.startedAt',
  'interaction.endedAt',
  'interaction.durationSeconds',
  'interaction.disposition',
  'interaction.notes',
  'agent.id',
  'agent.name',
] as const;
export type MemorializationSource = (typeof MEMORIALIZATION_SOURCES)[number];

const memorializationMappingSchema = z
  .object({
    source: z.enum(MEMORIALIZATION_SOURCES),
    target: z.string().min(1),
    /** Record types the mapping applies to; all linked types when omitted. */
    recordTypes: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type MemorializationMapping = z.infer<typeof memorializationMappingSchema>;

const displayFieldSchema = z.object({ field: z.string().min(1), label: z.string().min(1), order: z.number().int().optional() }).strict();
export type DisplayField = z.infer<typeof displayFieldSchema>;

export const crmConfigurationSchema = z
  .object({
    id,
    name: z.string().min(1),
    connector: connectorConfigurationSchema,
    workflows: z.array(workflowDefinitionSchema),
    memorializationMappings: z.array(memorializationMappingSchema).default([]),
    /** Fields shown on the Customer Card per record type, in order. */
    dynamicDataMappings: z.record(z.string(), z.array(displayFieldSchema)).default({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.workflows.forEach((w, i) => {
      if (seen.has(w.id)) {
        ctx.addIssue({ code: 'custom', path: ['workflows', i, 'id'], message: `duplicate workflow id "${w.id}"` });
      }
      seen.add(w.id);
      if (w.kind === 'create' && w.variant === 'standard' && !isStandardRecordType(w.recordType ?? '')) {
        ctx.addIssue({
          code: 'custom',
          path: ['workflows', i, 'recordType'],
          message: `a standard create names one of ${Object.keys(STANDARD_RECORDS).join(', ')}`,
        });
      }
    });
  });
export type CrmConfiguration = z.infer<typeof crmConfigurationSchema>;

export const crmConfigurationsFileSchema = z
  .object({
    /** Off switch for agent integrations: with false (or no configuration) every workflow is NotConfigured. */
    integrationsEnabled: z.boolean().default(true),
    defaultConfigurationId: id.optional(),
    configurations: z.array(crmConfigurationSchema),
  })
  .strict()
  .superRefine((file, ctx) => {
    const ids = file.configurations.map((c) => c.id);
    ids.forEach((cid, i) => {
      if (ids.indexOf(cid) !== i) {
        ctx.addIssue({ code: 'custom', path: ['configurations', i, 'id'], message: `duplicate configuration id "${cid}"` });
      }
    });
    if (file.defaultConfigurationId && !ids.includes(file.defaultConfigurationId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultConfigurationId'],
        message: `no configuration has id "${file.defaultConfigurationId}"`,
      });
    }
  });
export type CrmConfigurations = z.infer<typeof crmConfigurationsFileSchema>;

export class ConfigFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigFileError';
  }
}

/** Reads and validates the configurations file; errors name the file, the key and the problem. */
export function loadCrmConfigurations(path: string): CrmConfigurations {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigFileError(`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseCrmConfigurations(text, path);
}

export function parseCrmConfigurations(text: string, source: string): CrmConfigurations {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigFileError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = crmConfigurationsFileSchema.safeParse(json);
  if (!parsed.success) throw new ConfigFileError(`${source}: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** The enabled workflow of a kind (and variant / record type) in a configuration, if any. */
export function findWorkflow(config: CrmConfiguration, match: { kind: WorkflowKind; variant?: string; recordType?: string }): WorkflowDefinition | undefined {
  return config.workflows.find(
    (w) =>
      w.enabled &&
      w.kind === match.kind &&
      (match.variant === undefined || ('variant' in w && w.variant === match.variant)) &&
      (match.recordType === undefined || ('recordType' in w && w.recordType === match.recordType)),
  );
}
