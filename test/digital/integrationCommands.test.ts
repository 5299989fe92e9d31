import { describe, expect, it } from 'vitest';
import { describeIssued, DigitalUsageError, parseDigitalCommand } from '../../src/digital/integrationCommands.js';
import { isAcceptableUrl } from '../../src/digital/integrations.js';

const add = (...extra: string[]) => ['add-integration', '--name', 'Acme chat', '--box-url', 'https://acme.example/box', ...extra];
const refusal = (argv: string[]) => {
  try {
    parseDigitalCommand(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(DigitalUsageError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(argv)} to be refused`);
};

describe('the digital admin command line', () => {
  it('reads add-integration with every option', () => {
    expect(parseDigitalCommand(add('--id', 'acme', '--authorization-url', 'https://acme.example/token', '--outbound-client-id', 'cc-app', '--outbound-secret-env', 'ACME_BOX_SECRET'))).toEqual({
      command: 'add-integration',
      settings: {
        id: 'acme',
        name: 'Acme chat',
        boxUrl: 'https://acme.example/box',
        authorizationUrl: 'https://acme.example/token',
        outboundClientId: 'cc-app',
        outboundSecretEnv: 'ACME_BOX_SECRET',
      },
    });
  });

  it('reads list and help', () => {
    expect(parseDigitalCommand(['list'])).toEqual({ command: 'list' });
    expect(parseDigitalCommand([])).toEqual({ command: 'help' });
    expect(parseDigitalCommand(['add-integration', '--help'])).toEqual({ command: 'help' });
  });

  it.each([
    ['no name', ['add-integration', '--box-url', 'https://acme.example/box'], '--name: required'],
    ['a name over 100 characters', add('--name', 'n'.repeat(101)), '--name:'],
    ['no box URL', ['add-integration', '--name', 'Acme'], '--box-url: required'],
    ['a box URL over plain http to another machine', add('--box-url', 'http://acme.example/box'), '--box-url: must be an https:// address'],
    ['a box URL that is not one', add('--box-url', 'acme box'), '--box-url: must be an https:// address'],
    ['a box URL carrying a password', add('--box-url', 'https://user:pw@acme.example/box'), '--box-url: must be an https:// address (http:// only for localhost), without a user or password'],
    ['an authorization URL over ftp', add('--authorization-url', 'ftp://acme.example/token'), '--authorization-url:'],
    ['an id with a space', add('--id', 'acme chat'), '--id: 1 to 100 letters'],
    ['a secret variable that is not a variable name', add('--outbound-secret-env', 'acme-secret'), '--outbound-secret-env: an environment variable name'],
    ['an unknown option', add('--colour', 'red'), "Unknown option '--colour'"],
    ['an option without its value', ['add-integration', '--name'], "Option '--name <value>' argument missing"],
    ['an unknown command', ['remove-everything'], 'unknown command: remove-everything'],
    ['a stray argument', ['list', 'more'], 'unexpected argument: more'],
    ['options to list', ['list', '--name', 'x'], 'list takes no options'],
  ])('refuses %s, naming the option', (_what, argv, problem) => {
    expect(refusal(argv)).toContain(problem);
  });

  it('lets a box URL on this machine be plain http, for a local middleware', () => {
    expect(parseDigitalCommand(add('--box-url', 'http://localhost:3979/box')).command).toBe('add-integration');
    expect(parseDigitalCommand(add('--box-url', 'http://127.0.0.1:3979/box')).command).toBe('add-integration');
    expect(isAcceptableUrl('http://localhost.evil.example/box')).toBe(false);
  });

  it('prints the client id and secret with where they go', () => {
    const text = describeIssued({
      integration: {
        id: 'acme',
        name: 'Acme chat',
        clientId: 'the-client-id',
        boxUrl: 'https://acme.example/box',
        authorizationUrl: null,
        outboundClientId: null,
        outboundSecretEnv: null,
        createdAt: '2026-12-06T10:00:00.000Z',
      },
      clientSecret: 'the-secret',
    });
    expect(text).toContain('Client id:      the-client-id');
    expect(text).toContain('Client secret:  the-secret');
    expect(text).toContain('POST /dfo/3.0/token');
    expect(text).toContain('channelIntegrationId set to the integration id');
  });
});
