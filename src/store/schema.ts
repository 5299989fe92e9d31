import type { ColumnType, Generated } from 'kysely';

/**
 * Tables, as Kysely sees them. Types are chosen to mean the same in SQLite and Postgres: timestamps are
 * ISO-8601 text (UTC), booleans are 0/1 integers, structured values are JSON text.
 */
export interface Database {
  agents: AgentsTable;
  interactions: InteractionsTable;
  interaction_records: InteractionRecordsTable;
  jobs: JobsTable;
  conversation_refs: ConversationRefsTable;
  customers: CustomersTable;
  customer_identifiers: CustomerIdentifiersTable;
  crm_records: CrmRecordsTable;
  crm_record_keys: CrmRecordKeysTable;
  crm_sequences: CrmSequencesTable;
  acd_events: AcdEventsTable;
  acd_contacts: AcdContactsTable;
  acd_agent_states: AcdAgentStatesTable;
  acd_workers: AcdWorkersTable;
  acd_webhook_deliveries: AcdWebhookDeliveriesTable;
  delivered_activities: DeliveredActivitiesTable;
  digital_integrations: DigitalIntegrationsTable;
  digital_access_tokens: DigitalAccessTokensTable;
  digital_channels: DigitalChannelsTable;
  digital_threads: DigitalThreadsTable;
  digital_messages: DigitalMessagesTable;
  digital_routing_cursors: DigitalRoutingCursorsTable;
  agent_state_log: AgentStateLogTable;
  contact_log: ContactLogTable;
  wfm_api_keys: WfmApiKeysTable;
  wfm_schedules: WfmSchedulesTable;
  wfm_alerts: WfmAlertsTable;
  wfm_contact_facts: WfmContactFactsTable;
  wfm_skill_interval_totals: WfmSkillIntervalTotalsTable;
  wfm_skill_interval_waits: WfmSkillIntervalWaitsTable;
  wfm_agent_latest: WfmAgentLatestTable;
  wfm_agent_interval_states: WfmAgentIntervalStatesTable;
  wfm_agent_interval_contacts: WfmAgentIntervalContactsTable;
  wfm_rollup_cursor: WfmRollupCursorTable;
  rate_allowances: RateAllowancesTable;
}

/** Activities claimed as delivered (a hash of conversation and activity id), until they expire. */
export interface DeliveredActivitiesTable {
  delivery_key: string;
  expires_at: string;
}

/** Counters of the embedded CRM (case numbers). */
export interface CrmSequencesTable {
  name: string;
  value: number;
}

export interface AgentsTable {
  id: string;
  name: string;
  state: string;
  reason_code: string | null;
  state_since: string;
  current_interaction_id: string | null;
  /** The agent's id in Teams conversations (29:…), for a card's refresh.userIds. */
  teams_user_id: string | null;
  /** The agent's email/UPN, by which an ACD may name them (migration 010). */
  email?: string | null;
  /** The IANA time zone the agent's client last reported (migration 015); null: UTC. */
  time_zone?: string | null;
}

export interface ConversationRefsTable {
  agent_id: string;
  reference: string;
  updated_at: string;
}

export interface InteractionsTable {
  id: string;
  agent_id: string;
  channel: string;
  ani: string;
  state: string;
  configuration_id: string;
  match_state: string;
  started_at: string;
  ended_at: string | null;
  completed_at: string | null;
  disposition: string | null;
  notes: string | null;
  /** The Teams message that shows this interaction's Customer Card, to update it in place. */
  card_activity_id: string | null;
  /** The outcome of the agent's last action on the card, as JSON {kind, text}. */
  last_notice: string | null;
  /** The person behind it (customers), known by the identifier the interaction came from. */
  customer_id: string | null;
  /** The ACD's id of the contact this interaction handles (migration 010); null for other sources. */
  acd_contact_id?: string | null;
  /** How many changes of its card were announced to the other instances (migration 018). */
  card_revision?: number;
  /** The card_revision the card message last sent was drawn at (migration 018). */
  card_sent_revision?: number;
  /** The instance updating the card message now, and until when it may (migration 018). */
  card_sending_by?: string | null;
  card_sending_until?: string | null;
  /** When its latest card change was announced (migration 027): a message behind its card since then is repaired. */
  card_changed_at?: string | null;
}

export interface InteractionRecordsTable {
  interaction_id: string;
  record_type: string;
  record_id: string;
  linked: number;
  origin: string;
  label: string;
  /** The record's fields as last read from the CRM, so the card renders without a CRM round trip. */
  snapshot: string;
  /** The record's latest activities, as JSON [{subject, when}], read when it was linked. */
  activities: Generated<string>;
  position: Generated<number>;
  /** The record's role on the card (migration 014); 'other' for rows written before. */
  role: Generated<string>;
  /** The CRM's display name of the record's type (migration 014). */
  type_label: string | null;
  /** The record's canonical fields as JSON (migration 014). */
  canonical: Generated<string>;
  /** What a person reads for reference and choice fields, as JSON (migration 014). */
  display: Generated<string>;
  /** When its interaction started, written with the row from the interaction's (migration 031): the order of a record's history. */
  interaction_started_at: string | null;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  /** One job per key, ever: (interaction, workflow, record), built by domain/idempotencyKeys.ts. Never read back. */
  idempotency_key: string;
  /** What the job is about (an interaction's id), to find an interaction's jobs through an index. */
  subject: string | null;
  /** The Workflow Execute payload the job runs ({"workflowInput": ...}); before migration 017, a JSON request wrapping it. */
  payload: string;
  /** The CRM configuration and workflow it runs (migration 017; null: an old row whose payload was unreadable). */
  configuration_id: string | null;
  workflow_id: string | null;
  /** The record it writes (migration 017). */
  record_type: string | null;
  record_id: string | null;
  /** The agent it writes for (migration 017): whose card hears that it ended. */
  agent_id: string | null;
  status: string;
  attempts: number;
  run_after: string;
  lease_until: string | null;
  /** The worker's claim that holds the lease: only it extends the lease or ends the job. */
  lease_owner: string | null;
  /**
   * The record a memorialization job writes (configuration:type:id): one job per record runs at a time, and
   * one older than an interaction_at already written there is superseded. Null for jobs not ordered.
   */
  record_key: string | null;
  /** When the job's interaction was (it ended, or began), ISO-8601 UTC: the order of a record's writes. */
  interaction_at: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface CrmRecordsTable {
  id: string;
  type: string;
  name: string;
  /** Lower-cased name, for case-insensitive name search in both dialects. */
  name_lower: string;
  fields: string;
  created_at: string;
  updated_at: string;
}

/** Exact-match lookup keys of CRM records: E.164 phones, lower-cased emails, case numbers, activity keys. */
export interface CrmRecordKeysTable {
  kind: string;
  value: string;
  record_id: string;
  record_type: string;
}

export interface CustomersTable {
  id: string;
  name: string;
  created_at: string;
}

export interface CustomerIdentifiersTable {
  kind: string;
  value: string;
  customer_id: string;
}

/** ACD events applied, by "<source>:<event id>": a retried event acts once (migration 010). */
export interface AcdEventsTable {
  key: string;
  type: string;
  at: string;
  received_at: string;
}

/** Each ACD contact's latest truth, merged from its events in whatever order they came (migration 010). */
export interface AcdContactsTable {
  contact_id: string;
  /** The sender that reported it first ('twilio', 'simulator', an events API source): who hears of its ACW. */
  source: string;
  agent_id: string;
  /** When the ACD last (re)assigned the contact: a later offer or transfer wins. */
  agent_at: string;
  /** offered, answered, ended, acwCompleted or abandoned: the furthest the contact has gone. */
  phase: string;
  phase_at: string;
  channel: string | null;
  ani: string | null;
  dnis: string | null;
  skill: string | null;
  disposition: string | null;
  notes: string | null;
  /** 1 once an interaction handles the contact, written with it; 0 while it waits for its agent (migration 028). */
  placed: ColumnType<number, number | undefined, number>;
}

/** Each agent's latest state as the ACD said it, and when (migration 010). */
export interface AcdAgentStatesTable {
  agent_id: string;
  state: string;
  reason_code: string | null;
  at: string;
}

/** Each agent's TaskRouter Worker, as its callbacks named it (migration 010). */
export interface AcdWorkersTable {
  agent_id: string;
  worker_sid: string;
  updated_at: string;
}

/** What the ACDs are told (the generic webhook's events, TaskRouter's calls), and how their delivery went (migrations 013, 020). */
export interface AcdWebhookDeliveriesTable {
  id: string;
  /** Who delivers it: 'webhook' (ACD_WEBHOOK_URL) or 'taskrouter' (Twilio's REST API). */
  target: 'webhook' | 'taskrouter';
  /** What it updates (`worker:<sid>`): a newer row for the same subject supersedes a pending older one. */
  subject: string | null;
  type: string;
  body: string;
  status: 'pending' | 'delivered' | 'failed' | 'superseded';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string;
  created_at: string;
  updated_at: string;
}

/** The middlewares of external platforms (migration 019): their issued client secret is kept only as a hash. */
export interface DigitalIntegrationsTable {
  id: string;
  name: string;
  client_id: string;
  client_secret_hash: string;
  box_url: string;
  authorization_url: string | null;
  outbound_client_id: string | null;
  outbound_secret_env: string | null;
  created_at: string;
}

/** Access tokens issued to integrations (client credentials), by the hash of the token (migration 019). */
export interface DigitalAccessTokensTable {
  token_hash: string;
  integration_id: string;
  expires_at: string;
}

export interface DigitalChannelsTable {
  id: string;
  integration_id: string;
  id_on_external_platform: string;
  channel_integration_id: string;
  real_external_platform_id: string | null;
  name: string;
  is_private: number;
  has_tree_structure: number;
  kind: string;
  skill: string | null;
  created_at: string;
  updated_at: string;
}

/** One per (channel, thread on the platform): one digital interaction (migration 019). */
export interface DigitalThreadsTable {
  id: string;
  channel_id: string;
  id_on_external_platform: string;
  interaction_id: string;
  status: string;
  assignment: string;
  skill: string | null;
  /** The end user's identity as JSON. */
  author: string;
  /** JSON array of strings. */
  tags: Generated<string>;
  triggered_at: string | null;
  trigger: string | null;
  created_at: string;
  last_message_at: string;
}

/** Messages in and out, one per (channel, idOnExternalPlatform); outbound ones are their own delivery outbox (migration 019). */
export interface DigitalMessagesTable {
  id: string;
  channel_id: string;
  thread_id: string;
  id_on_external_platform: string;
  direction: string;
  text: string;
  created_at: string;
  received_at: string;
  author_name: string;
  agent_id: string | null;
  delivery_status: string | null;
  delivery_error: string | null;
  attempts: Generated<number>;
  next_attempt_at: string | null;
  lease_until: string | null;
}

/** Per skill ('' for none), the agent who got the last thread routed by it: the round robin's place (migration 021). */
export interface DigitalRoutingCursorsTable {
  skill: string;
  agent_id: string;
  assigned_at: string;
}

/** Every state an agent entered (migration 022): append-only; a state lasts until the agent's next entry by time. */
export interface AgentStateLogTable {
  id: Generated<number>;
  agent_id: string;
  state: string;
  reason_code: string | null;
  started_at: string;
  interaction_id: string | null;
  /** Who said so: 'teams' (the agent), 'acd', 'simulator' or 'app' (the app's own routing and ACW). */
  source: string;
  /** The ACD event it came from ("<source>:<event id>"), so a retried event is recorded once; null otherwise. */
  event_key: string | null;
  recorded_at: string;
}

/** Every step of every contact (migration 022): append-only, at the time its source gave. */
export interface ContactLogTable {
  id: Generated<number>;
  /** One contact's steps share it: "acd:<source>:<contact id>" for an ACD's, "interaction:<id>" otherwise. */
  contact_key: string;
  /** offered, answered, ended, acwCompleted, abandoned or transferred. */
  kind: string;
  at: string;
  agent_id: string | null;
  /** The skill or queue it came through ('' for none). */
  skill: string;
  channel: string;
  source: string;
  event_key: string | null;
  recorded_at: string;
}

/** The WFM systems allowed to read /api/wfm (migration 022): one key per consumer, kept only as a hash. */
export interface WfmApiKeysTable {
  id: string;
  consumer: string;
  key_hash: string;
  created_at: string;
  revoked_at: string | null;
}

/** The published schedule (migration 022): what each agent should be doing, from when to when. */
export interface WfmSchedulesTable {
  id: Generated<number>;
  agent_id: string;
  activity: string;
  start_at: string;
  end_at: string;
  imported_at: string;
}

/** The supervisors' alerts already sent (migration 022): one per agent, kind and episode. */
export interface WfmAlertsTable {
  agent_id: string;
  kind: string;
  episode_started_at: string;
  sent_at: string;
}

/** A bigint counter on PostgreSQL (the driver reads it as text), an integer on SQLite: written as a number, read with Number(). */
export type Counter = ColumnType<number | string, number, number>;

/** Per contact: the first time of each step (migration 023), what its rollup contribution is computed from. */
export interface WfmContactFactsTable {
  contact_key: string;
  /** The first offer's skill and channel (the first step's until offered). */
  skill: string;
  channel: string;
  offered_at: string | null;
  answered_at: string | null;
  answered_by: string | null;
  ended_at: string | null;
  acw_completed_at: string | null;
  abandoned_at: string | null;
}

/** Per (interval offered in, skill, channel): the skill report's counters and sums (migration 023). */
export interface WfmSkillIntervalTotalsTable {
  interval_start: string;
  skill: string;
  channel: string;
  offered: Counter;
  handled: Counter;
  abandoned: Counter;
  answer_ms: Counter;
  handle_ms: Counter;
  handle_count: Counter;
}

/** Per (interval, skill, channel, whole seconds waited, rounded up): contacts answered after that wait. */
export interface WfmSkillIntervalWaitsTable {
  interval_start: string;
  skill: string;
  channel: string;
  wait_seconds: number;
  answered: Counter;
}

/** Each agent's latest state entry: its open span (to now), added at read time. */
export interface WfmAgentLatestTable {
  agent_id: string;
  log_id: number;
  started_at: string;
  state: string;
  reason_code: string | null;
}

/** Per (interval, agent, state, reason code or ''): milliseconds of closed spans. */
export interface WfmAgentIntervalStatesTable {
  interval_start: string;
  agent_id: string;
  state: string;
  reason_code: string;
  ms: Counter;
}

/** Per (interval answered in, agent): contacts answered and their handle time. */
export interface WfmAgentIntervalContactsTable {
  interval_start: string;
  agent_id: string;
  contacts: Counter;
  handle_ms: Counter;
}

/** Per log ('agent_state_log', 'contact_log'): the last id the rollups were brought up to (migration 024). */
export interface WfmRollupCursorTable {
  log: string;
  /** Integer, as the logs' ids are. */
  last_id: number;
}

/** A token bucket shared by the instances on one database (migration 026; rateAllowancesRepository.ts). */
export interface RateAllowancesTable {
  name: string;
  tokens: number;
  /** Seconds since the epoch, on the database's clock. */
  refilled_at: number;
  /** What the last take was granted (read back by that take). */
  last_granted: Generated<number>;
}
