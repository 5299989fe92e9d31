import { ACD_AGENT_STATES, MAX_EVENTS_PER_REQUEST } from './eventSchema.js';

const nonEmpty = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '\\S' });

/** Fields every event has; `type`'s value and the fields of its kind are added per event kind. */
function eventKind(type: string, description: string, extra: Record<string, unknown>, required: string[]) {
  return {
    type: 'object',
    description,
    additionalProperties: false,
    required: ['id', 'type', 'at', 'agent', ...required],
    properties: {
      id: { ...nonEmpty(200), description: 'Unique per sender: an event sent again with the same id acts once.' },
      type: { const: type },
      at: { type: 'string', format: 'date-time', description: 'When it happened at the ACD; decides between events that come out of order.' },
      agent: { $ref: '#/components/schemas/AgentRef' },
      ...extra,
    },
  };
}

const contactRef = { $ref: '#/components/schemas/Contact' };

/**
 * The OpenAPI 3.1 description of the events API (served at GET /api/acd/openapi.json). It describes what
 * eventSchema.ts accepts; test/acd/openapi.test.ts holds the two to each other with a real validator.
 */
export function acdOpenApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Customer Card: contact-center events',
      version: '1.0.0',
      description:
        'An ACD (or any flow engine) tells the app about agent states and contacts. Each request is signed: X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"> with the shared secret (ACD_EVENTS_SECRET, or the secret of the source named in X-Acd-Source), within 5 minutes of the server\'s clock.',
    },
    paths: {
      '/api/acd/events': {
        post: {
          operationId: 'postAcdEvents',
          summary: 'One event, or a batch of events',
          parameters: [
            { name: 'X-Signature', in: 'header', required: true, schema: { type: 'string', pattern: '^t=\\d+,v1=[0-9a-fA-F]{64}$' } },
            { name: 'X-Acd-Source', in: 'header', required: false, description: 'Which configured sender signs (ACD_EVENTS_SECRETS); absent: ACD_EVENTS_SECRET.', schema: { type: 'string' } },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/EventsRequest' } } } },
          responses: {
            '200': { description: 'What became of each event, in order.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Results' } } } },
            '400': { description: 'The body is not valid; the error names the field. Nothing was applied.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
            '401': { description: 'Missing, wrong or expired signature. Nothing was applied.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
            '422': { description: 'An agent is not known here; the error names the field. Nothing was applied.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
          },
        },
      },
    },
    components: {
      schemas: {
        EventsRequest: {
          oneOf: [
            { $ref: '#/components/schemas/Event' },
            {
              type: 'object',
              additionalProperties: false,
              required: ['events'],
              properties: { events: { type: 'array', minItems: 1, maxItems: MAX_EVENTS_PER_REQUEST, items: { $ref: '#/components/schemas/Event' } } },
            },
          ],
        },
        Event: {
          oneOf: [
            eventKind('agent.state', "The agent's state at the ACD.", { state: { enum: [...ACD_AGENT_STATES] }, reasonCode: { oneOf: [nonEmpty(50), { type: 'null' }] } }, ['state']),
            eventKind(
              'contact.offered',
              'A contact routed to the agent: the call rings, the data dip runs, the Customer Card is posted.',
              { contact: { $ref: '#/components/schemas/OfferedContact' } },
              ['contact'],
            ),
            eventKind('contact.answered', 'The agent answered: the ringing card becomes the active one.', { contact: contactRef }, ['contact']),
            eventKind('contact.ended', 'The call ended: the agent is in After Call Work.', { contact: contactRef }, ['contact']),
            eventKind('contact.transferred', 'The contact went to another agent: `agent` is who it went to.', { contact: contactRef }, ['contact']),
            eventKind(
              'contact.acwCompleted',
              'After Call Work completed at the ACD. Without a disposition (or with one not configured here), the first configured disposition is used and the notes say so.',
              { contact: contactRef, disposition: nonEmpty(100), notes: { type: 'string', maxLength: 4000 } },
              ['contact'],
            ),
            eventKind('contact.abandoned', 'The caller hung up first: the interaction ends with nothing written to the CRM.', { contact: contactRef }, ['contact']),
          ],
        },
        AgentRef: {
          description: "The agent's Entra object id, or their email/UPN.",
          oneOf: [
            { type: 'object', additionalProperties: false, required: ['aadObjectId'], properties: { aadObjectId: nonEmpty(200) } },
            { type: 'object', additionalProperties: false, required: ['email'], properties: { email: { type: 'string', format: 'email', maxLength: 320 } } },
          ],
        },
        Contact: {
          type: 'object',
          additionalProperties: false,
          required: ['id'],
          properties: {
            id: { ...nonEmpty(200), description: "The ACD's id of the contact: every event of one contact carries it." },
            channel: { enum: ['voice', 'chat', 'sms', 'web'], default: 'voice' },
            ani: { ...nonEmpty(40), description: "The caller's number." },
            dnis: nonEmpty(40),
            skill: { ...nonEmpty(30), description: 'The skill or queue that routed it.' },
          },
        },
        OfferedContact: { allOf: [{ $ref: '#/components/schemas/Contact' }], required: ['id', 'ani'] },
        Results: {
          type: 'object',
          required: ['results'],
          properties: {
            results: {
              type: 'array',
              items: {
                type: 'object',
                required: ['id', 'outcome'],
                properties: {
                  id: { type: 'string' },
                  outcome: {
                    enum: ['applied', 'duplicate', 'superseded', 'held', 'refused'],
                    description:
                      'applied; duplicate (this id was applied before); superseded (older than what is known); held (an agent state kept until their contact is done); refused (message says why).',
                  },
                  message: { type: 'string' },
                },
              },
            },
          },
        },
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
      },
    },
  };
}
