import { z } from 'zod';
import { retryConfigSchema } from '../shared/httpKit/retryConfig.js';

/**
 * The connector block of a Dynamics 365 / Dataverse CRM configuration, as admins write it in
 * config/crm-configurations.json. Secrets are never in the file: it names the environment variables that hold
 * them. Example:
 *
 *   "connector": {
 *     "type": "dynamics",
 *     "serverUrl": "https://contoso.crm.dynamics.com",
 *     "apiVersion": "9.2",
 *     "auth": {
 *       "kind": "clientSecret",
 *       "tenantId": "contoso.onmicrosoft.com",
 *       "clientId": "8f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b",
 *       "clientSecretEnv": "SECRET_DYNAMICS_CLIENT_SECRET"
 *     },
 *     "timeline": { "activity": "phonecall", "keyColumn": "subcategory" }
 *   }
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https everywhere; plain http only for a server on this machine (a local test or development server). */
function httpsUrl(what: string, example: string) {
  return z
    .string({ required_error: `is required: ${what}, e.g. ${example}` })
    .url(`must be a URL, e.g. ${example}`)
    .superRefine((value, ctx) => {
      if (!URL.canParse(value)) return; // .url() said so
      const url = new URL(value);
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
        ctx.addIssue({ code: 'custom', message: `must use https (plain http only for 127.0.0.1 or localhost), e.g. ${example}` });
      }
      if (url.search || url.hash || url.username) {
        ctx.addIssue({ code: 'custom', message: `must be the bare address, without query, fragment or credentials, e.g. ${example}` });
      }
    })
    .transform((value) => value.replace(/\/+$/, ''));
}

const secretEnv = z
  .string({ required_error: 'is required: the name of the environment variable holding the client secret' })
  .regex(/^SECRET_[A-Z0-9_]+$/, 'must name an environment variable starting with SECRET_ (e.g. SECRET_DYNAMICS_CLIENT_SECRET), not the secret itself');

/** Columns are Dataverse logical names: lowercase letters, digits and "_". */
const column = z.string().regex(/^[a-z][a-z0-9_]{0,99}$/, 'must be a Dataverse column logical name (lowercase, e.g. telephone1)');

const clientSecretAuth = z
  .object({
    kind: z.literal('clientSecret'),
    tenantId: z
      .string({ required_error: 'is required: the Microsoft Entra tenant (directory) ID or its domain' })
      .regex(/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$/i, 'must be the tenant ID (a GUID) or its domain, e.g. contoso.onmicrosoft.com'),
    clientId: z.string({ required_error: 'is required: the application (client) ID of the app registration' }).regex(GUID, 'must be the application (client) ID, a GUID'),
    clientSecretEnv: secretEnv,
    /**
     * Sign-in service; another cloud's (e.g. https://login.microsoftonline.us) for sovereign clouds. https only,
     * on this machine too: MSAL refuses any other authority (authority_uri_insecure), so it could never sign in.
     */
    authorityHost: httpsUrl('the Microsoft Entra sign-in service', 'https://login.microsoftonline.com')
      .refine((value) => !value.startsWith('http:'), {
        message: "must use https: Microsoft's sign-in library refuses a plain-http authority (authority_uri_insecure), so the connector could never sign in",
      })
      .default('https://login.microsoftonline.com'),
  })
  .strict();

export const dynamicsConnectorSchema = z
  .object({
    type: z.literal('dynamics'),
    /** The environment URL (Power Platform admin center → Environment URL). */
    serverUrl: httpsUrl('the Dataverse environment URL', 'https://contoso.crm.dynamics.com'),
    apiVersion: z
      .string()
      .regex(/^9\.[0-2]$/, 'must be a Dataverse Web API version: 9.0, 9.1 or 9.2')
      .default('9.2'),
    auth: z.discriminatedUnion('kind', [clientSecretAuth], {
      errorMap: (issue, ctx) => (issue.code === 'invalid_union_discriminator' ? { message: 'kind must be "clientSecret" (client credentials of an application user)' } : { message: ctx.defaultError }),
    }),
    /** The timeline workflow's activity: a phone call (default) or a task, and the column holding its idempotency key. */
    timeline: z
      .object({
        activity: z.enum(['phonecall', 'task'], { errorMap: () => ({ message: 'must be "phonecall" or "task"' }) }).default('phonecall'),
        keyColumn: column.default('subcategory'),
      })
      .strict()
      .default({}),
    /** Phone columns searched by Search for ANI, per table; the defaults cover every standard phone column. */
    phoneColumns: z
      .object({ account: z.array(column).min(1).optional(), contact: z.array(column).min(1).optional(), lead: z.array(column).min(1).optional() })
      .strict()
      .default({}),
    /** Records per page (Prefer: odata.maxpagesize); Dataverse allows at most 5000. */
    pageSize: z.number().int().min(1).max(5000, 'must be at most 5000 (the Dataverse page limit)').default(500),
    /** How long one HTTP request may take before it is abandoned. */
    requestTimeoutMs: z.number().int().min(1000).max(120_000).default(30_000),
    /** How a throttled call is tried again (the same block for every CRM). */
    retry: retryConfigSchema,
  })
  .strict();

export type DynamicsConnectorConfig = z.infer<typeof dynamicsConnectorSchema>;
/** What admins write: defaults not yet applied. */
export type DynamicsConnectorConfigInput = z.input<typeof dynamicsConnectorSchema>;
