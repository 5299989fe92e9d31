import { z } from 'zod';
import { retryConfigSchema } from '../shared/httpKit/retryConfig.js';
import { instanceUrlSchema } from '../shared/instanceUrl.js';

/**
 * The connector block of a ServiceNow CRM configuration (config/crm-configurations.json). It names the
 * environment variables that hold secrets, never the secrets themselves.
 */
const envName = z
  .string({ required_error: 'is required: the name of an environment variable' })
  .regex(/^[A-Z][A-Z0-9_]{0,127}$/, 'must be the NAME of an environment variable (capital letters, digits and "_"), not a secret');

const instanceUrl = instanceUrlSchema('https://acme.service-now.com', 'instance URL');

const oauthPasswordAuth = z
  .object({
    kind: z.literal('oauth-password'),
    /** The OAuth application's client ID (System OAuth > Application Registry); not a secret. */
    clientId: z.string({ required_error: 'is required: the client ID of the OAuth application' }).min(1, 'must not be empty'),
    clientSecretEnv: envName,
    /** The integration user the tokens are issued to. */
    usernameEnv: envName,
    passwordEnv: envName,
  })
  .strict();

const basicAuth = z
  .object({
    kind: z.literal('basic'),
    usernameEnv: envName,
    passwordEnv: envName,
  })
  .strict();

const auth = z.discriminatedUnion('kind', [oauthPasswordAuth, basicAuth], {
  errorMap: (issue, ctx) =>
    issue.code === 'invalid_union_discriminator' ? { message: 'kind must be "oauth-password" (OAuth 2.0, password and refresh-token grants) or "basic"' } : { message: ctx.defaultError },
});

export const servicenowConnectorSchema = z
  .object({
    type: z.literal('servicenow'),
    instanceUrl,
    /** Table API version in the URL ("/api/now/v2/table"); the instance's latest when omitted. */
    apiVersion: z.enum(['v1', 'v2'], { errorMap: () => ({ message: 'must be "v1" or "v2" (or left out for the latest)' }) }).optional(),
    auth,
    /** Also search internal users (sys_user) by phone and email, e.g. for ITSM callers. */
    searchUsers: z.boolean().default(false),
    /** Records per Table API page (sysparm_limit). */
    pageSize: z.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(100),
    /** At most this many records are read for one search before it stops looking. */
    maxScan: z.number().int().min(1, 'must be at least 1').max(10_000, 'must be at most 10000').default(1000),
    /** How a throttled (429) or unavailable (503) call is tried again (the same block for every CRM). */
    retry: retryConfigSchema,
  })
  .strict();

export type ServiceNowConnectorConfig = z.infer<typeof servicenowConnectorSchema>;
export type ServiceNowAuthConfig = ServiceNowConnectorConfig['auth'];
