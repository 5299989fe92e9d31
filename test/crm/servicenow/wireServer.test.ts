import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRETS, serverOptions } from './fixtures.js';
import { ServiceNowWireServer } from './wireServer.js';

/** The local instance answers as the Table API documentation says, not as the connector happens to ask. */
describe('ServiceNow wire server', () => {
  let server: ServiceNowWireServer;
  const basic = `Basic ${Buffer.from(`${SECRETS.SECRET_SN_USERNAME}:${SECRETS.SECRET_SN_PASSWORD}`).toString('base64')}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}/api/now/table/${path}`, {
      method,
      headers: { Authorization: basic, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, json: (await response.json()) as { result: Record<string, unknown> & Array<Record<string, unknown>> } };
  };
  let account: string;
  let contact: string;

  beforeAll(async () => {
    server = await new ServiceNowWireServer(serverOptions({ timeZone: 'America/Los_Angeles' })).start();
    account = String((await call('POST', 'customer_account', { name: 'Contoso' })).json.result.sys_id);
    contact = String((await call('POST', 'customer_contact', { first_name: 'Zoë', last_name: 'Ng', account })).json.result.sys_id);
    await call('POST', 'sn_customerservice_case', { short_description: 'Broken', contact, priority: '2' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('sysparm_display_value=false: stored values, references as {link, value} unless links are excluded', async () => {
    const { json } = await call('GET', `sn_customerservice_case?sysparm_fields=priority,contact,state`);
    expect(json.result[0]).toEqual({ priority: '2', state: '1', contact: { link: `${server.url}/api/now/table/customer_contact/${contact}`, value: contact } });
  });

  it('true: display values (a choice label, a reference display field); all: both', async () => {
    const shown = await call('GET', `sn_customerservice_case?sysparm_fields=priority,contact&sysparm_display_value=true&sysparm_exclude_reference_link=true`);
    expect(shown.json.result[0]).toEqual({ priority: '2 - High', contact: 'Zoë Ng' });
    const both = await call('GET', `sn_customerservice_case?sysparm_fields=priority,contact,number&sysparm_display_value=all`);
    expect(both.json.result[0]).toMatchObject({
      priority: { display_value: '2 - High', value: '2' },
      contact: { display_value: 'Zoë Ng', value: contact, link: expect.stringContaining(contact) },
      number: { display_value: expect.stringMatching(/^CS\d{7}$/) },
    });
  });

  it('date-times display in the integration user’s time zone; stored values stay UTC', async () => {
    const { json } = await call('GET', `customer_contact/${contact}?sysparm_fields=sys_created_on&sysparm_display_value=all`);
    const { value, display_value: display } = json.result.sys_created_on as { value: string; display_value: string };
    expect(value).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(display).not.toBe(value);
    expect(Date.parse(`${value.replace(' ', 'T')}Z`) - Date.parse(`${display.replace(' ', 'T')}Z`)).toBeGreaterThanOrEqual(7 * 3600_000);
  });

  it('dot-walked fields keep their dotted names; unknown fields are left out', async () => {
    const { json } = await call('GET', `customer_contact/${contact}?sysparm_fields=first_name,account.name,no_such_field`);
    expect(json.result).toEqual({ first_name: 'Zoë', 'account.name': 'Contoso' });
  });

  it('text comparisons ignore case and accents; a table-level read ACL refusal is a 403', async () => {
    expect((await call('GET', `customer_contact?sysparm_query=first_nameSTARTSWITHzoe`)).json.result).toHaveLength(1);
    expect((await call('GET', `customer_contact?sysparm_query=first_name=ZOË`)).json.result).toHaveLength(1);
    server.denyRead('customer_account');
    try {
      const refused = await call('GET', 'customer_account');
      expect(refused.status).toBe(403);
      expect(refused.json).toMatchObject({ status: 'failure', error: { message: expect.any(String) } });
    } finally {
      server.denyRead('customer_account', false);
    }
  });

  it('the metadata tables: a child table inherits its parent’s dictionary; the case has its own priority choices', async () => {
    const object = await call('GET', `sys_db_object?sysparm_query=name=customer_contact&sysparm_fields=label,super_class.name`);
    expect(object.json.result).toEqual([{ label: 'Contact', 'super_class.name': 'sys_user' }]);
    const own = await call('GET', `sys_dictionary?sysparm_query=name=customer_contact^element=first_name`);
    expect(own.json.result).toEqual([]);
    const inherited = await call('GET', `sys_dictionary?sysparm_query=name=sys_user^element=first_name&sysparm_fields=column_label,internal_type`);
    expect(inherited.json.result).toEqual([{ column_label: 'First name', internal_type: 'string' }]);
    const choices = await call('GET', `sys_choice?sysparm_query=name=sn_customerservice_case^element=priority^ORDERBYsequence&sysparm_fields=value,label`);
    expect(choices.json.result.map((c) => c.label)).toEqual(['1 - Critical', '2 - High', '3 - Moderate', '4 - Low']);
  });
});
