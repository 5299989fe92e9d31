import { describe, expect, it } from 'vitest';
import { CrmError } from '../../../src/crm/port.js';
import { ZodObject } from 'zod';
import { zendeskConnectorSchema } from '../../../src/crm/zendesk/index.js';
import { toZendeskWrite } from '../../../src/crm/zendesk/recordWrite.js';
import { textClauses } from '../../../src/crm/zendesk/searchQuery.js';

/** The Zendesk connector's pure parts: write mapping, query words, configuration schema. */

describe('Zendesk mapping', () => {
  const none = { userFields: [], organizationFields: [], ticketFields: [], customStatuses: [] };

  it('makes a user’s name of first and last name when the account has no such custom fields', () => {
    const plan = toZendeskWrite('user', { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' }, 'create', none, { publicFirstComment: false });
    expect(plan.body).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(() => toZendeskWrite('user', { first_name: 'Ada' }, 'update', none, { publicFirstComment: false })).toThrow(CrmError);
  });

  it('writes text-only memorialization values as the custom field types want them', () => {
    const catalog = {
      ...none,
      userFields: [
        { id: 1, key: 'vip', type: 'checkbox', title: 'VIP' },
        { id: 2, key: 'calls', type: 'integer', title: 'Calls' },
        { id: 3, key: 'last_call_at', type: 'date', title: 'Last call' },
      ],
    };
    const plan = toZendeskWrite('user', { vip: 'TRUE', calls: '12', last_call_at: '2026-03-14T09:30:00.000Z', tags: 'a, b c' }, 'update', catalog, { publicFirstComment: false });
    expect(plan.body).toEqual({ tags: ['a', 'b', 'c'], user_fields: { vip: true, calls: 12, last_call_at: '2026-03-14' } });
    expect(() => toZendeskWrite('user', { calls: 'many' }, 'update', catalog, { publicFirstComment: false })).toThrow(/cannot take/);
  });

  it('puts only whole, quotable words of user text in a Zendesk phrase', () => {
    expect(textClauses('name', 'Maria Garcia', '=')).toEqual(['name:"maria garcia"']);
    expect(textClauses('name', 'say "hi" to O\'Brien now', '=')).toEqual(['name:"to o\'brien now"']);
    // Words contains / startswith may cut are sent as Zendesk prefixes: never a bare type:user for a name.
    expect(textClauses('name', 'aria Garc', 'contains')).toEqual(['name:aria*', 'name:garc*']);
    expect(textClauses('name', 'Garcia', 'contains')).toEqual(['name:garcia*']);
    expect(textClauses('name', 'x aria Garcia y', 'contains')).toEqual(['name:"aria garcia"']);
    expect(textClauses('name', 'Maria Garc', 'startswith')).toEqual(['name:"maria"', 'name:garc*']);
    expect(textClauses('name', 'Fabri', 'startswith')).toEqual(['name:fabri*']);
    expect(textClauses('name', 'Fabri*', 'startswith')).toEqual([]);
    expect(textClauses('name', '"', '=')).toEqual([]);
  });
});

describe('zendeskConnectorSchema', () => {
  const valid = {
    type: 'zendesk',
    instanceUrl: 'https://acme.zendesk.com',
    auth: { kind: 'api-token', email: 'integration@acme.example', apiTokenEnv: 'SECRET_ZENDESK_API_TOKEN' },
    userPhoneFields: ['mobile_phone'],
    organizationPhoneFields: ['phone'],
  };
  const issues = (json: unknown) => {
    const parsed = zendeskConnectorSchema.safeParse(json);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts the documented example and fills the defaults', () => {
    const parsed = zendeskConnectorSchema.parse(valid);
    expect(parsed).toMatchObject({ timelineTag: 'customer_card_timeline', pageSize: 100, maxScan: 1000, publicFirstComment: false });
    expect(issues({ ...valid, auth: { kind: 'oauth', accessTokenEnv: 'SECRET_ZD_OAUTH' } })).toEqual([]);
    // A plain object schema, so that the configurations file can put it in its discriminated union.
    expect(zendeskConnectorSchema).toBeInstanceOf(ZodObject);
  });

  it('rejects bad blocks, naming the key', () => {
    expect(issues({ ...valid, auth: { ...valid.auth, apiTokenEnv: undefined, apiToken: 'abc123' } }).join('\n')).toMatch(/auth\.apiTokenEnv: is required[\s\S]*apiToken/);
    expect(issues({ ...valid, auth: { ...valid.auth, apiTokenEnv: 'my-secret-value' } })).toEqual([expect.stringMatching(/^auth\.apiTokenEnv: must be the NAME/)]);
    expect(issues({ ...valid, auth: { kind: 'password' } })).toEqual([expect.stringMatching(/^auth\.kind: kind must be "api-token"/)]);
    expect(issues({ ...valid, instanceUrl: undefined })).toEqual([expect.stringMatching(/^instanceUrl: is required/)]);
    expect(issues({ ...valid, instanceUrl: 'http://acme.zendesk.com' })).toEqual([expect.stringMatching(/^instanceUrl: must use https/)]);
    expect(issues({ ...valid, instanceUrl: 'https://acme.zendesk.com/api/v2' })).toEqual([expect.stringMatching(/^instanceUrl: must be the bare Zendesk URL/)]);
    expect(issues({ ...valid, instanceUrl: 'acme' })).toEqual([expect.stringMatching(/^instanceUrl: must be the Zendesk URL/)]);
    expect(issues({ ...valid, userPhoneFields: ['mobile phone'] })).toEqual([expect.stringMatching(/^userPhoneFields\.0: must be the key/)]);
    expect(issues({ ...valid, pageSize: 500 })).toEqual([expect.stringMatching(/^pageSize: must be at most 100/)]);
    expect(issues({ ...valid, apiVersion: 'v3' })).toEqual([expect.stringMatching(/apiVersion/)]);
  });
});
