import { z } from 'zod';
import { retryConfigSchema } from '../shared/httpKit/retryConfig.js';

/**
 * The connector block of a Salesforce CRM configuration (config/crm-configurations.json). Secrets never
 * appear here: each secret is named by the environment variable that holds it ("...Env").
 */

const envName = z
  .string({ required_error: 'name the environment variable that holds this secret' })
  .regex(/^[A-Z][A-Z0-9_]{0,127}$/, 'must be the NAME of an environment variable (capital letters, digits, "_"), never the secret itself');

const clientId = z
  .string({ required_error: 'give the consumer key (client ID) of the connected app or external client app' })
  .min(10, 'is too short for a Salesforce consumer key')
  .max(256)
  .regex(/^\S+$/, 'must not contain spaces');

const username = z
  .string({ required_error: 'give the Salesforce username of the integration user (e.g. integration@acme.com)' })
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be a Salesforce username, which has the form of an email address');

/** Hosts Salesforce names orgs by; localhost and 127.0.0.1 are accepted over http for local test servers. */
function isLocal(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1';
}

const baseUrl = (what: string) =>
  z
    .string({ required_error: `give ${what}` })
    .superRefine((text, ctx) => {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be a URL such as https://acme.my.salesforce.com (${what})` });
        return;
      }
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLocal(url))) {
        ctx.addIssue({ code: 'custom', message: 'must use https://' });
      }
      if (url.pathname !== '/' || url.search || url.hash) {
        ctx.addIssue({ code: 'custom', message: 'must be the bare origin, with no path, query or fragment (e.g. https://acme.my.salesforce.com)' });
      }
      if (url.username || url.password) {
        ctx.addIssue({ code: 'custom', message: 'must not carry a user name or password' });
      }
      if (url.hostname.endsWith('.lightning.force.com')) {
        ctx.addIssue({ code: 'custom', message: 'is a Lightning UI address; use the My Domain address (https://<domain>.my.salesforce.com)' });
      }
    })
    .transform((text) => new URL(text).origin);

const clientCredentials = z
  .object({
    kind: z.literal('clientCredentials'),
    clientId,
    clientSecretEnv: envName,
    /** Where tokens are asked for; the instance (My Domain) URL when omitted, as Salesforce requires for this flow. */
    loginUrl: baseUrl('the token endpoint origin').optional(),
  })
  .strict();

const jwtBearer = z
  .object({
    kind: z.literal('jwtBearer'),
    clientId,
    username,
    /** An environment variable holding the PEM private key whose certificate is uploaded to the app. */
    privateKeyEnv: envName,
    /** Where tokens are asked for: https://login.salesforce.com (default), https://test.salesforce.com or My Domain. */
    loginUrl: baseUrl('the token endpoint origin').optional(),
    /** The JWT "aud" claim; derived from loginUrl when omitted (login or test.salesforce.com). */
    audience: z.string().url('must be a URL such as https://login.salesforce.com').optional(),
  })
  .strict();

const password = z
  .object({
    kind: z.literal('password'),
    clientId,
    clientSecretEnv: envName,
    username,
    passwordEnv: envName,
    /** The user's security token, appended to the password when the org requires it. */
    securityTokenEnv: envName.optional(),
    loginUrl: baseUrl('the token endpoint origin').optional(),
  })
  .strict();

const auth = z.discriminatedUnion('kind', [clientCredentials, jwtBearer, password], {
  errorMap: (issue, ctx) => (issue.code === 'invalid_union_discriminator' ? { message: 'kind must be "clientCredentials", "jwtBearer" or "password"' } : { message: ctx.defaultError }),
});

export const salesforceConnectorSchema = z
  .object({
    type: z.literal('salesforce'),
    /** The org's My Domain URL, e.g. https://acme.my.salesforce.com. */
    instanceUrl: baseUrl('the instance (My Domain) URL, e.g. https://acme.my.salesforce.com'),
    /** REST API version; 51.0 or later (the connector selects FIELDS(ALL) in SOQL). */
    apiVersion: z
      .string()
      .regex(/^\d{2,3}\.0$/, 'must look like "62.0" (no "v")')
      .refine((v) => Number(v) >= 51, 'must be 51.0 or later (SOQL FIELDS() needs it)')
      .default('62.0'),
    auth,
    /**
     * The Task field that holds the timeline's idempotency key: a Text(255) custom Activity field marked
     * External ID and Unique, so that a retried timeline never writes a second task.
     */
    activityKeyField: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]*__c$/, 'must be the API name of a custom field, ending in "__c"')
      .default('CustomerCardKey__c'),
    /** Extra fields returned by Search for ANI / email, per object (e.g. {"Contact": ["Last_Agent__c"]}). */
    searchFields: z
      .record(
        z.enum(['Account', 'Contact', 'Lead'], { errorMap: () => ({ message: 'searchFields keys are Account, Contact or Lead' }) }),
        z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$/, 'must be a field API name')).max(50),
      )
      .default({}),
    retry: retryConfigSchema,
  })
  .strict();

export type SalesforceConnectorConfig = z.infer<typeof salesforceConnectorSchema>;
export type SalesforceAuthConfig = SalesforceConnectorConfig['auth'];
