import { MAX_BODY_BYTES } from '../http/bodyLimits.js';
import { MAX_MESSAGE_TEXT, MAX_MESSAGES_PER_REQUEST } from './messageSchema.js';

const text = (maxLength: number, description?: string) => ({ type: 'string', minLength: 1, maxLength, pattern: '\\S', ...(description && { description }) });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json(ref('Error')) });
const bearer = [{ bearer: [] }];
const unauthorized = error('No access token, or an unknown or expired one (WWW-Authenticate: Bearer).');

/**
 * The OpenAPI 3.1 description of the digital channels API (served at GET /dfo/3.0/openapi.json). It says
 * what channelSchema.ts, messageSchema.ts and clientCredentials.ts accept; test/digital/openapi.test.ts
 * holds the two to each other with a real validator.
 */
export function digitalOpenApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Customer Card: digital channels (bring your own channel)',
      version: '3.0.0',
      description:
        "An external platform's middleware (an integration) registers its channels and sends their messages. It authenticates with the client id and secret an admin issued it (`npm run digital -- add-integration`): POST /dfo/3.0/token (OAuth 2.0 client credentials) gives an access token, sent as Authorization: Bearer on every other call.",
    },
    paths: {
      '/dfo/3.0/token': {
        post: {
          operationId: 'getAccessToken',
          summary: 'An access token for the integration (RFC 6749 §4.4)',
          description: 'The client id and secret go in HTTP Basic (preferred) or in the body as client_id and client_secret, not both.',
          security: [{}, { basic: [] }],
          requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: ref('TokenRequest') }, 'application/json': { schema: ref('TokenRequest') } } },
          responses: {
            '200': { description: 'The token and how many seconds it lasts.', content: json(ref('Token')) },
            '400': { description: 'invalid_request or unsupported_grant_type (RFC 6749 §5.2).', content: json(ref('TokenError')) },
            '401': { description: 'invalid_client: unknown client id or wrong secret (the answer does not say which).', content: json(ref('TokenError')) },
          },
        },
      },
      '/dfo/3.0/channels': {
        post: {
          operationId: 'putChannel',
          summary: 'Registers a channel of the integration, or updates it (same id)',
          security: bearer,
          requestBody: { required: true, content: json(ref('Channel')) },
          responses: {
            '200': { description: 'The channel existed and is updated.', content: json(ref('Channel')) },
            '201': { description: 'The channel is registered.', content: json(ref('Channel')) },
            '400': error('The body is not valid; the error names the field.'),
            '401': unauthorized,
            '409': error('The id is in use by another integration.'),
            '413': error('The body is larger than 16 KiB.'),
          },
        },
        get: {
          operationId: 'listChannels',
          summary: "The integration's own channels",
          security: bearer,
          responses: {
            '200': { description: 'Its channels, oldest first.', content: json({ type: 'object', required: ['channels'], properties: { channels: { type: 'array', items: ref('Channel') } } }) },
            '401': unauthorized,
          },
        },
      },
      '/dfo/3.0/channels/{channelId}/messages': {
        post: {
          operationId: 'postMessages',
          summary: 'One message, or a batch, of a channel',
          description:
            'Each message is kept once per idOnExternalPlatform: sending it again is safe (it counts as a duplicate). Messages may come in any order; the conversation is ordered by createdAtWithMilliseconds.',
          security: bearer,
          parameters: [{ name: 'channelId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$' } }],
          requestBody: { required: true, content: json(ref('MessagesRequest')) },
          responses: {
            '202': { description: 'Accepted: how many messages were new, and how many were already here.', content: json(ref('MessagesAccepted')) },
            '400': error('The body is not valid; the error names the field (messages[3].thread.idOnExternalPlatform: required). Nothing was taken.'),
            '401': unauthorized,
            '404': error('No such channel for this integration.'),
            '413': error(`The body is larger than ${MAX_BODY_BYTES} bytes.`),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An access token from POST /dfo/3.0/token.' },
        basic: { type: 'http', scheme: 'basic', description: 'The client id and secret, form-encoded, then base64 (RFC 6749 §2.3.1).' },
      },
      schemas: {
        TokenRequest: {
          type: 'object',
          required: ['grant_type'],
          properties: { grant_type: { const: 'client_credentials' }, client_id: { type: 'string', maxLength: 500 }, client_secret: { type: 'string', maxLength: 500 }, scope: { type: 'string' } },
        },
        Token: {
          type: 'object',
          additionalProperties: false,
          required: ['access_token', 'token_type', 'expires_in'],
          properties: { access_token: { type: 'string', minLength: 32 }, token_type: { const: 'Bearer' }, expires_in: { type: 'integer', minimum: 60 } },
        },
        TokenError: {
          type: 'object',
          required: ['error'],
          properties: { error: { enum: ['invalid_request', 'invalid_client', 'unsupported_grant_type'] }, error_description: { type: 'string' } },
        },
        Channel: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'idOnExternalPlatform', 'channelIntegrationId', 'name'],
          properties: {
            id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$', description: 'Chosen by the integration (a UUID, say); unique across integrations.' },
            idOnExternalPlatform: text(200),
            channelIntegrationId: { ...text(100), description: 'The id of the integration the token was issued to.' },
            realExternalPlatformId: { oneOf: [text(100), { type: 'null' }] },
            name: text(100),
            isPrivate: { type: 'boolean', default: false },
            hasTreeStructure: { type: 'boolean', default: false },
            kind: { enum: ['chat', 'sms', 'web'], default: 'chat', description: "The interaction's channel on the agent's card." },
            skill: { oneOf: [{ type: 'string', pattern: '^[A-Za-z0-9\\-_.:]{2,30}$' }, { type: 'null' }], description: 'The skill its threads are routed by; none: any agent.' },
          },
        },
        MessagesRequest: {
          oneOf: [
            ref('Message'),
            {
              type: 'object',
              additionalProperties: false,
              required: ['messages'],
              properties: { messages: { type: 'array', minItems: 1, maxItems: MAX_MESSAGES_PER_REQUEST, items: ref('Message') } },
            },
          ],
        },
        Message: {
          type: 'object',
          additionalProperties: false,
          required: ['idOnExternalPlatform', 'thread', 'messageContent', 'createdAtWithMilliseconds', 'direction', 'authorEndUserIdentity'],
          properties: {
            idOnExternalPlatform: text(200, 'Unique within the channel: a message sent again with the same id is kept once.'),
            thread: { type: 'object', additionalProperties: false, required: ['idOnExternalPlatform'], properties: { idOnExternalPlatform: text(200, 'The conversation it belongs to.') } },
            messageContent: {
              type: 'object',
              additionalProperties: false,
              required: ['type', 'payload'],
              properties: {
                type: { const: 'TEXT' },
                payload: { type: 'object', additionalProperties: false, required: ['text'], properties: { text: text(MAX_MESSAGE_TEXT) } },
              },
            },
            createdAtWithMilliseconds: {
              type: 'string',
              maxLength: 40,
              pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$',
              format: 'date-time',
              description: 'When it was written, with its offset: 2026-12-06T10:15:30.123+01:00.',
            },
            direction: { enum: ['inbound', 'outbound'] },
            authorEndUserIdentity: {
              type: 'object',
              additionalProperties: false,
              required: ['idOnExternalPlatform'],
              properties: {
                idOnExternalPlatform: text(200, "The end user's id on the platform (an email or phone number lets the card find them in the CRM)."),
                firstName: { type: 'string', maxLength: 100 },
                lastName: { type: 'string', maxLength: 100 },
                nickname: { type: 'string', maxLength: 100 },
              },
            },
          },
        },
        MessagesAccepted: {
          type: 'object',
          additionalProperties: false,
          required: ['stored', 'duplicates'],
          properties: { stored: { type: 'integer', minimum: 0 }, duplicates: { type: 'integer', minimum: 0 } },
        },
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
      },
    },
  };
}
