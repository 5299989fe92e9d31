import { INTERVAL_MINUTES } from '../domain/wfm.js';
import { AGENT_ACTIVITY_COLUMNS, SKILL_INTERVAL_COLUMNS } from './intervalCsv.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
const nullable = (schema: Record<string, unknown>) => ({ oneOf: [schema, { type: 'null' }] });
const seconds = { type: 'number', minimum: 0 };

const RANGE_DESCRIPTION =
  "An ISO 8601 instant with its offset (Z or ±hh:mm; encode + as %2B) on a 15-minute boundary, or a date YYYY-MM-DD in the site time zone. `from` is the first interval's start (a date: its local midnight); `to` is exclusive as an instant, inclusive as a date (its span ends at the next local midnight). At most 31 days.";

const rangeParameters = [
  { name: 'from', in: 'query', required: true, description: RANGE_DESCRIPTION, schema: { type: 'string', maxLength: 40 }, example: '2026-11-30' },
  { name: 'to', in: 'query', required: true, description: RANGE_DESCRIPTION, schema: { type: 'string', maxLength: 40 }, example: '2026-11-30T12:00:00+01:00' },
  { name: 'format', in: 'query', required: false, description: 'csv or json; absent: by the Accept header (text/csv or application/json), JSON by default.', schema: { enum: ['json', 'csv'] } },
];

/** The interval envelope of both reports; `rowsKey` is where the interval's rows are. */
function intervalSchema(rowsKey: string, row: string) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['start', 'end', 'localStart', rowsKey],
    properties: {
      start: { type: 'string', format: 'date-time', description: 'UTC, with milliseconds.' },
      end: { type: 'string', format: 'date-time', description: 'start + 15 minutes (exclusive).' },
      localStart: { type: 'string', format: 'date-time', description: 'The start in the site time zone, with its offset.' },
      [rowsKey]: { type: 'array', items: ref(row), description: 'Empty when nothing happened: still a valid interval.' },
    },
  };
}

function reportSchema(rowsKey: string, interval: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['from', 'to', 'siteTimeZone', 'intervalMinutes', 'serviceLevelSeconds', 'intervals', ...Object.keys(extra)],
    properties: {
      from: { type: 'string', format: 'date-time' },
      to: { type: 'string', format: 'date-time', description: 'Exclusive.' },
      siteTimeZone: { type: 'string', description: 'WFM_SITE_TIME_ZONE (IANA).' },
      intervalMinutes: { const: INTERVAL_MINUTES },
      serviceLevelSeconds: { type: 'integer', description: 'WFM_SERVICE_LEVEL_SECONDS: answered within this many seconds meets the service level.' },
      ...extra,
      intervals: { type: 'array', items: ref(interval), description: `Every interval of [from, to), in order, ${rowsKey} or not.` },
    },
  };
}

function csvResponse(columns: readonly string[]) {
  return {
    schema: {
      type: 'string',
      description: `RFC 4180, CRLF lines, a header line: ${columns.join(',')}. One line per interval and row; an interval with no row has one line with its times and empty or zero columns.`,
    },
  };
}

/**
 * The OpenAPI 3.1 description of the workforce API (served at GET /api/wfm/openapi.json). It describes what
 * wfmRoutes.ts answers; test/wfm/wfmOpenapi.test.ts holds the two to each other with a real validator.
 */
export function wfmOpenApiDocument(): Record<string, unknown> {
  const unauthorized = error('No API key, or an unknown or revoked one (the same answer). WWW-Authenticate: Bearer realm="wfm".');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Customer Card: workforce data',
      version: '1.0.0',
      description:
        'For WFM systems: 15-minute interval data per skill and channel, agent activity per interval, and publishing schedules. Each request carries an API key issued with `npm run wfm -- add-key <consumer>`: Authorization: Bearer <key>.',
    },
    security: [{ apiKey: [] }],
    paths: {
      '/api/wfm/intervals': {
        get: {
          operationId: 'getSkillIntervals',
          summary: 'Contacts per interval, skill and channel (a contact counts in the interval it was offered in)',
          parameters: [...rangeParameters, { name: 'skill', in: 'query', required: false, description: 'Only this skill or queue.', schema: { type: 'string', minLength: 1, maxLength: 30 } }],
          responses: {
            '200': { description: 'Every interval of the range.', content: { 'application/json': { schema: ref('SkillIntervalsReport') }, 'text/csv': csvResponse(SKILL_INTERVAL_COLUMNS) } },
            '400': error('A parameter is wrong; the error names it (from, to, skill, format, or an unknown one).'),
            '401': unauthorized,
          },
        },
      },
      '/api/wfm/agent-activity': {
        get: {
          operationId: 'getAgentActivity',
          summary: "Each agent's seconds per state and reason code, and contacts handled, per interval",
          parameters: rangeParameters,
          responses: {
            '200': { description: 'Every interval of the range.', content: { 'application/json': { schema: ref('AgentActivityReport') }, 'text/csv': csvResponse(AGENT_ACTIVITY_COLUMNS) } },
            '400': error('A parameter is wrong; the error names it.'),
            '401': unauthorized,
          },
        },
      },
      '/api/wfm/schedules': {
        put: {
          operationId: 'putSchedules',
          summary: "Publishes agents' schedules: each agent's entries over the span given are replaced",
          requestBody: {
            required: true,
            content: {
              'text/csv': {
                schema: { type: 'string', description: 'A header line agent,activity,start,end, then one activity a line (agent: email or Entra object id; start, end: ISO 8601 with offset).' },
              },
              'application/json': { schema: ref('ScheduleRequest') },
            },
          },
          responses: {
            '200': { description: 'What was published, and each refused line with its number and why.', content: { 'application/json': { schema: ref('ScheduleImportResult') } } },
            '400': { description: 'No body, or no valid line in it.', content: { 'application/json': { schema: ref('ScheduleRefused') } } },
            '401': unauthorized,
            '413': error('The body is larger than the server takes (1 MB): publish it in parts.'),
            '415': error('Another Content-Type than text/csv or application/json.'),
          },
        },
      },
    },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'wfm_<id>_<secret>, from `npm run wfm -- add-key <consumer>`.' } },
      schemas: {
        SkillIntervalsReport: reportSchema('skills', 'SkillInterval', { skill: nullable({ type: 'string' }) }),
        AgentActivityReport: reportSchema('agents', 'AgentInterval'),
        SkillInterval: intervalSchema('skills', 'SkillIntervalRow'),
        AgentInterval: intervalSchema('agents', 'AgentIntervalRow'),
        SkillIntervalRow: {
          type: 'object',
          additionalProperties: false,
          required: ['skill', 'channel', 'offered', 'handled', 'abandoned', 'averageSpeedOfAnswerSeconds', 'averageHandleTimeSeconds', 'serviceLevelPercent'],
          properties: {
            skill: { type: 'string', description: "The skill or queue ('' for none)." },
            channel: { enum: ['voice', 'chat', 'sms', 'web'] },
            offered: { type: 'integer', minimum: 0, description: 'Contacts offered in this interval.' },
            handled: { type: 'integer', minimum: 0, description: 'Of those, answered by an agent.' },
            abandoned: { type: 'integer', minimum: 0, description: 'Of those, ended before an agent answered.' },
            averageSpeedOfAnswerSeconds: { ...nullable(seconds), description: 'Mean seconds from offered to answered, of those answered; null when none was.' },
            averageHandleTimeSeconds: { ...nullable(seconds), description: 'Mean talk plus After Call Work seconds, of those answered whose work has finished; null when none has.' },
            serviceLevelPercent: {
              ...nullable({ type: 'number', minimum: 0, maximum: 100 }),
              description: 'Answered within serviceLevelSeconds, in percent of those offered; null when none was offered.',
            },
          },
        },
        AgentIntervalRow: {
          type: 'object',
          additionalProperties: false,
          required: ['agentId', 'agentName', 'states', 'contactsHandled', 'handleTimeSeconds'],
          properties: {
            agentId: { type: 'string' },
            agentName: { type: 'string' },
            states: { type: 'array', items: ref('StateSeconds') },
            contactsHandled: { type: 'integer', minimum: 0, description: 'Contacts the agent answered in this interval.' },
            handleTimeSeconds: { ...seconds, description: 'Talk plus ACW seconds of those contacts, whole, counted in the interval they were answered.' },
          },
        },
        StateSeconds: {
          type: 'object',
          additionalProperties: false,
          required: ['state', 'reasonCode', 'seconds'],
          properties: {
            state: { enum: ['Available', 'Unavailable', 'Working', 'ACW'] },
            reasonCode: nullable({ type: 'string' }),
            seconds: { ...seconds, maximum: INTERVAL_MINUTES * 60 },
          },
        },
        ScheduleRequest: {
          oneOf: [
            { type: 'array', items: ref('ScheduledActivity') },
            { type: 'object', required: ['activities'], properties: { activities: { type: 'array', items: ref('ScheduledActivity') } } },
          ],
        },
        ScheduledActivity: {
          type: 'object',
          required: ['agent', 'activity', 'start', 'end'],
          properties: {
            agent: { type: 'string', description: "The agent's email or Entra object id." },
            activity: { type: 'string', minLength: 1, maxLength: 40, description: 'Open, Phone, Lunch, Break… (WFM_ACTIVITY_STATES).' },
            start: { type: 'string', format: 'date-time' },
            end: { type: 'string', format: 'date-time' },
          },
        },
        ScheduleImportResult: {
          type: 'object',
          required: ['imported', 'agents', 'rejected'],
          properties: {
            imported: { type: 'integer', minimum: 0 },
            agents: { type: 'integer', minimum: 0 },
            rejected: { type: 'array', items: { type: 'object', required: ['line', 'reason'], properties: { line: { type: 'integer' }, reason: { type: 'string' } } } },
          },
        },
        ScheduleRefused: { allOf: [ref('Error')], properties: { imported: { const: 0 }, agents: { type: 'integer' }, rejected: { type: 'array' } } },
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
      },
    },
  };
}
