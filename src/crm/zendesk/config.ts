import { z } from 'zod';
import { retryConfigSchema } from '../shared/httpKit/retryConfig.js';
import { instanceUrlSchema } from '../shared/instanceUrl.js';

/**
 * The connector block of a Zendesk Support CRM configuration (config/crm-configurations.json). It names the
 * environment variables that hold secrets, never the secrets themselves. Zendesk has one REST API version
 * (/api/v2), so there is no version to choose.
 */
const envName = z
  .string({ required_error: 'is required: the name of an environment variable' })
  .regex(/^[A-Z][A-Z0-9_]{0,127}$/, 'must be the NAME of an environment variable (capital letters, digits and "_"), not a secret');

const instanceUrl = instanceUrlSchema('https://acme.zendesk.com', 'Zendesk URL');

/** Keys of custom user or organization fields ("Admin Center > People > Configuration > User fields"). */
const fieldKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be the key of a custom field (letters, digits and "_", as Zendesk shows it)');

const apiTokenAuth = z
  .object({
    kind: z.literal('api-token'),
    /** The agent the API token acts as; Zendesk's basic auth is "{email}/token:{api_token}". Not a secret. */
    email: z.string({ required_error: 'is required: the email of the agent the API token acts as' }).email('must be an email address'),
    apiTokenEnv: envName,
  })
  .strict();

const oauthAuth = z
  .object({
    kind: z.literal('oauth'),
    /** An OAuth access token issued to this integration (sent as "Authorization: Bearer ..."). */
    accessTokenEnv: envName,
  })
  .strict();

const auth = z.discriminatedUnion('kind', [apiTokenAuth, oauthAuth], {
  errorMap: (issue, ctx) =>
    issue.code === 'invalid_union_discriminator' ? { message: 'kind must be "api-token" (email + API token) or "oauth" (OAuth access token)' } : { message: ctx.defaultError },
});

export const zendeskConnectorSchema = z
  .object({
    type: z.literal('zendesk'),
    /** The account's URL, "https://{subdomain}.zendesk.com" (the API is under /api/v2 there). */
    instanceUrl,
    auth,
    /** Custom user fields that hold phone numbers; Search for ANI looks in them as well as in the user's phone. */
    userPhoneFields: z.array(fieldKey).max(10, 'at most 10 fields').default([]),
    /** Custom organization fields that hold phone numbers (Zendesk organizations have no phone of their own). */
    organizationPhoneFields: z.array(fieldKey).max(10, 'at most 10 fields').default([]),
    /** Custom user fields that hold further email addresses; the email search looks in them too. */
    userEmailFields: z.array(fieldKey).max(10, 'at most 10 fields').default([]),
    /** The tag put on the tickets the timeline creates for a user, and by which they are listed. */
    timelineTag: z
      .string()
      .regex(/^[a-z0-9_\-:]{1,80}$/, 'must be one Zendesk tag: lower-case letters, digits, "_", "-" or ":"')
      .default('customer_card_timeline'),
    /** Whether the first comment of a ticket created by a workflow is public (emailed to the requester). */
    publicFirstComment: z.boolean().default(false),
    /** Search results per page (Zendesk allows at most 100). */
    pageSize: z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100 (the Search API maximum)').default(100),
    /** At most this many search results are read for one query (the Search API never returns more than 1000). */
    maxScan: z.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000 (the Search API limit)').default(1000),
    /** How a throttled (429) or unavailable (503) call is tried again (the same block for every CRM). */
    retry: retryConfigSchema,
  })
  .strict();

export type ZendeskConnectorConfig = z.infer<typeof zendeskConnectorSchema>;
export type ZendeskAuthConfig = ZendeskConnectorConfig['auth'];

/** The account's base URL, without a trailing slash. */
export function zendeskBaseUrl(config: Pick<ZendeskConnectorConfig, 'instanceUrl'>): string {
  return new URL(config.instanceUrl).origin;
}
