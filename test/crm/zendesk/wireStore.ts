import { customFieldDefs, customStatusDefs, ticketFieldDefs, type FieldDef, type TicketFieldDef } from './wireMetadata.js';
import { invalid, notFound, type Obj } from './wireHttp.js';

export interface StoreOptions {
  agentEmail: string;
  userFields?: FieldDef[];
  organizationFields?: FieldDef[];
  ticketFields?: TicketFieldDef[];
  customStatuses?: Array<{ label: string; category: string }>;
}

/**
 * The records of the local Zendesk: users (with their identities) and organizations, the tickets' and
 * comments' maps (tickets are written by wireTickets.ts), the account's field definitions, ids and the clock.
 * Users and organizations are answered as Zendesk's Users, User Identities and Organizations APIs show them.
 */
export class WireStore {
  baseUrl = '';
  clockOffsetMs = 0;
  private nextId = 360_000_001_000;
  readonly users = new Map<number, Obj>();
  readonly identities = new Map<number, Obj[]>();
  readonly organizations = new Map<number, Obj>();
  readonly tickets = new Map<number, Obj>();
  readonly comments = new Map<number, Obj[]>();
  readonly userFieldDefs: Obj[];
  readonly organizationFieldDefs: Obj[];
  readonly ticketFieldDefs: Obj[];
  /** Undefined: the account has no custom ticket statuses (GET /custom_statuses answers 404). */
  readonly customStatuses: Obj[] | undefined;
  readonly agentId: number;

  constructor(options: StoreOptions) {
    const nextId = () => this.id();
    this.userFieldDefs = customFieldDefs(options.userFields ?? [], nextId);
    this.organizationFieldDefs = customFieldDefs(options.organizationFields ?? [], nextId);
    this.ticketFieldDefs = ticketFieldDefs(options.ticketFields ?? [], nextId);
    this.customStatuses = options.customStatuses ? customStatusDefs(options.customStatuses, nextId) : undefined;
    this.agentId = this.id();
    const now = this.now();
    this.users.set(this.agentId, this.newUser({ id: this.agentId, name: 'Integration Agent', role: 'admin', created_at: now, updated_at: now }));
    this.identities.set(this.agentId, [this.identity(this.agentId, 'email', options.agentEmail, true)]);
  }

  id(): number {
    return this.nextId++;
  }

  /** Zendesk's times: ISO 8601 to the second. */
  now(): string {
    return new Date(Date.now() + this.clockOffsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  // --- Users ---------------------------------------------------------------------------------------------
  user(id: number | undefined): Obj {
    const user = id === undefined ? undefined : this.users.get(id);
    if (!user) throw notFound();
    return user;
  }

  newUser(fields: Obj): Obj {
    return {
      url: '',
      email: null,
      phone: null,
      shared_phone_number: null,
      photo: null,
      locale_id: 1,
      locale: 'en-US',
      time_zone: 'Pacific Time (US & Canada)',
      iana_time_zone: 'America/Los_Angeles',
      organization_id: null,
      role: 'end-user',
      verified: false,
      external_id: null,
      tags: [],
      alias: null,
      active: true,
      shared: false,
      shared_agent: false,
      last_login_at: null,
      two_factor_auth_enabled: false,
      signature: null,
      details: '',
      notes: '',
      role_type: null,
      custom_role_id: null,
      moderator: false,
      ticket_restriction: 'requested',
      only_private_comments: false,
      restricted_agent: true,
      suspended: false,
      default_group_id: null,
      report_csv: false,
      user_fields: {},
      ...fields,
    };
  }

  renderUser(user: Obj): Obj {
    const id = user.id as number;
    const primary = (this.identities.get(id) ?? []).find((i) => i.type === 'email' && i.primary === true);
    const userFields = Object.fromEntries(this.userFieldDefs.map((f) => [f.key as string, ((user.user_fields ?? {}) as Obj)[f.key as string] ?? null]));
    return { ...user, url: `${this.baseUrl}/api/v2/users/${id}.json`, email: primary?.value ?? null, user_fields: userFields };
  }

  createUser(input: Obj): Obj {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!name) throw invalid('name', 'Name:  is too short (minimum is 1 character)', 'BlankValue');
    const email = typeof input.email === 'string' ? input.email.trim().toLowerCase() : null;
    if (email) this.checkEmail(email, undefined);
    if (input.role !== undefined && !['end-user', 'agent', 'admin'].includes(String(input.role))) {
      throw invalid('role', `Role: ${String(input.role)} is not a valid role`);
    }
    if (input.organization_id !== undefined && input.organization_id !== null) this.organizationRef(input.organization_id, 'organization_id');
    const id = this.id();
    const now = this.now();
    const { email: _email, user_fields: userFields, ...rest } = input;
    const user = this.newUser({ ...rest, id, name, created_at: now, updated_at: now, user_fields: this.customValues(userFields, this.userFieldDefs) });
    this.users.set(id, user);
    this.identities.set(id, email ? [this.identity(id, 'email', email, true)] : []);
    return this.renderUser(user);
  }

  updateUser(user: Obj, input: Obj): Obj {
    const { email, user_fields: userFields, id: _id, ...rest } = input;
    if (rest.name !== undefined && String(rest.name).trim() === '') throw invalid('name', 'Name:  is too short (minimum is 1 character)', 'BlankValue');
    if (rest.organization_id !== undefined && rest.organization_id !== null) this.organizationRef(rest.organization_id, 'organization_id');
    if (typeof email === 'string' && email.trim()) {
      // Zendesk: "On update, a secondary email is added" (the primary one stays).
      const address = email.trim().toLowerCase();
      const id = user.id as number;
      if (!(this.identities.get(id) ?? []).some((i) => i.value === address)) {
        this.checkEmail(address, id);
        this.identities.get(id)!.push(this.identity(id, 'email', address, false));
      }
    }
    Object.assign(user, rest, { updated_at: this.now() });
    user.user_fields = { ...((user.user_fields ?? {}) as Obj), ...this.customValues(userFields, this.userFieldDefs) };
    return this.renderUser(user);
  }

  identity(userId: number, type: string, value: string, primary: boolean): Obj {
    const now = this.now();
    return { url: '', id: this.id(), user_id: userId, type, value, verified: false, primary, created_at: now, updated_at: now };
  }

  addIdentity(user: Obj, input: Obj): Obj {
    const id = user.id as number;
    const type = String(input.type ?? '');
    if (!['email', 'phone_number'].includes(type)) throw invalid('type', `Type: ${type} is not a valid identity type`);
    const value =
      type === 'email'
        ? String(input.value ?? '')
            .trim()
            .toLowerCase()
        : String(input.value ?? '').trim();
    if (type === 'email') this.checkEmail(value, undefined);
    const list = this.identities.get(id)!;
    const primary = input.primary === true || !list.some((i) => i.type === type && i.primary === true);
    if (primary) for (const i of list) if (i.type === type) i.primary = false;
    const identity = this.identity(id, type, value, primary);
    list.push(identity);
    return identity;
  }

  changeIdentity(user: Obj, identityId: number, input: Obj): Obj {
    const identity = (this.identities.get(user.id as number) ?? []).find((i) => i.id === identityId);
    if (!identity) throw notFound();
    if (input.value !== undefined) {
      const value = identity.type === 'email' ? String(input.value).trim().toLowerCase() : String(input.value).trim();
      if (identity.type === 'email') this.checkEmail(value, user.id as number, identityId);
      identity.value = value;
    }
    if (input.verified !== undefined) identity.verified = input.verified === true;
    identity.updated_at = this.now();
    return identity;
  }

  checkEmail(email: string, ownerId: number | undefined, identityId?: number): void {
    if (!/^[^@\s"]+@[^@\s"]+\.[^@\s"]+$/.test(email)) throw invalid('email', `Email: ${email} is not properly formatted`, 'InvalidFormat');
    for (const [userId, list] of this.identities) {
      for (const i of list) {
        if (i.type === 'email' && i.value === email && i.id !== identityId && (userId !== ownerId || ownerId === undefined)) {
          throw invalid('email', `Email: ${email} is already being used by another user`, 'DuplicateValue');
        }
      }
    }
  }

  // --- Organizations -------------------------------------------------------------------------------------
  organization(id: number | undefined): Obj {
    const org = id === undefined ? undefined : this.organizations.get(id);
    if (!org) throw notFound();
    return org;
  }

  organizationRef(value: unknown, field: string): void {
    if (typeof value !== 'number' || !this.organizations.has(value)) throw invalid(field, 'Organization: is invalid');
  }

  renderOrganization(org: Obj): Obj {
    const custom = Object.fromEntries(this.organizationFieldDefs.map((f) => [f.key as string, ((org.organization_fields ?? {}) as Obj)[f.key as string] ?? null]));
    return { ...org, url: `${this.baseUrl}/api/v2/organizations/${String(org.id)}.json`, organization_fields: custom };
  }

  createOrganization(input: Obj): Obj {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!name) throw invalid('name', 'Name: cannot be blank', 'BlankValue');
    if ([...this.organizations.values()].some((o) => String(o.name).toLowerCase() === name.toLowerCase())) {
      throw invalid('name', 'Name: has already been taken', 'DuplicateValue');
    }
    const id = this.id();
    const now = this.now();
    const { organization_fields: custom, ...rest } = input;
    const org: Obj = {
      id,
      url: '',
      name,
      shared_tickets: false,
      shared_comments: false,
      external_id: null,
      created_at: now,
      updated_at: now,
      domain_names: [],
      details: null,
      notes: null,
      group_id: null,
      tags: [],
      ...rest,
      organization_fields: this.customValues(custom, this.organizationFieldDefs),
    };
    org.name = name;
    this.organizations.set(id, org);
    return this.renderOrganization(org);
  }

  updateOrganization(org: Obj, input: Obj): Obj {
    const { organization_fields: custom, id: _id, ...rest } = input;
    Object.assign(org, rest, { updated_at: this.now() });
    org.organization_fields = { ...((org.organization_fields ?? {}) as Obj), ...this.customValues(custom, this.organizationFieldDefs) };
    return this.renderOrganization(org);
  }

  /** Custom field values by key; keys the account does not define are dropped, as Zendesk does. */
  customValues(input: unknown, defs: Obj[]): Obj {
    if (!input || typeof input !== 'object') return {};
    return Object.fromEntries(Object.entries(input as Obj).filter(([k]) => defs.some((d) => d.key === k)));
  }
}
