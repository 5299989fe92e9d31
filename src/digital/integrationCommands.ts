import { parseArgs } from 'node:util';
import type { DigitalIntegration } from '../domain/digital.js';
import { integrationSettingsSchema, type IntegrationSettings, type IssuedIntegration } from './integrations.js';

/** The admin's commands (`npm run digital -- …`, scripts/digital.ts). */
export type DigitalCommand = { command: 'add-integration'; settings: IntegrationSettings } | { command: 'list' } | { command: 'help' };

export const DIGITAL_USAGE = `Usage:
  npm run digital -- add-integration --name "Acme chat" --box-url https://acme.example/box
        [--id acme] [--authorization-url https://acme.example/oauth/token]
        [--outbound-client-id <id the app presents to the box URL>] [--outbound-secret-env ACME_BOX_SECRET]
      Adds an integration (or, with the --id of an existing one, updates it and issues it a new secret)
      and prints its client id and secret once.
  npm run digital -- list
      Lists the integrations (never their secrets).`;

export class DigitalUsageError extends Error {
  override readonly name = 'DigitalUsageError';
}

/** The option each setting comes from, so a refusal names what the admin typed. */
const FLAGS: Record<string, string> = {
  id: '--id',
  name: '--name',
  boxUrl: '--box-url',
  authorizationUrl: '--authorization-url',
  outboundClientId: '--outbound-client-id',
  outboundSecretEnv: '--outbound-secret-env',
};

/** Reads the command line; a mistake throws DigitalUsageError naming the option. */
export function parseDigitalCommand(argv: string[]): DigitalCommand {
  let parsed: ReturnType<typeof parseWith>;
  try {
    parsed = parseWith(argv);
  } catch (error) {
    throw new DigitalUsageError(error instanceof Error ? error.message : String(error));
  }
  const [command, ...extra] = parsed.positionals;
  if (extra.length) throw new DigitalUsageError(`unexpected argument: ${extra[0]!.slice(0, 50)}`);
  const { values } = parsed;
  if (!command || command === 'help' || values.help) return { command: 'help' };
  if (command === 'list') {
    if (Object.keys(values).length) throw new DigitalUsageError('list takes no options');
    return { command: 'list' };
  }
  if (command !== 'add-integration') throw new DigitalUsageError(`unknown command: ${command.slice(0, 50)} (add-integration or list)`);
  const settings = {
    id: values.id,
    name: values.name ?? '',
    boxUrl: values['box-url'] ?? '',
    authorizationUrl: values['authorization-url'],
    outboundClientId: values['outbound-client-id'],
    outboundSecretEnv: values['outbound-secret-env'],
  };
  const checked = integrationSettingsSchema.safeParse(settings);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const flag = FLAGS[String(issue.path[0])] ?? String(issue.path[0]);
    const given = settings[issue.path[0] as keyof typeof settings];
    throw new DigitalUsageError(`${flag}: ${given === '' ? 'required' : issue.message}`);
  }
  return { command: 'add-integration', settings };
}

function parseWith(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      'box-url': { type: 'string' },
      'authorization-url': { type: 'string' },
      'outbound-client-id': { type: 'string' },
      'outbound-secret-env': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** What the admin is shown once: the credentials and where they go. The secret is not kept, only its hash. */
export function describeIssued({ integration, clientSecret }: IssuedIntegration): string {
  return [
    `Integration "${integration.name}" (id ${integration.id}) is ready.`,
    '',
    `  Integration id: ${integration.id}`,
    `  Client id:      ${integration.clientId}`,
    `  Client secret:  ${clientSecret}`,
    '',
    "Paste the client id and secret into the middleware's settings: it gets an access token from POST /dfo/3.0/token",
    '(OAuth 2.0 client credentials) and registers its channels with channelIntegrationId set to the integration id.',
    'The secret is shown this once and is not stored (only a hash is): if it is lost, run add-integration again with',
    `--id ${integration.id} to issue a new one (the old one stops working).`,
    `Agents' replies will be posted to ${integration.boxUrl}.`,
  ].join('\n');
}

export function describeIntegrations(integrations: DigitalIntegration[]): string {
  if (!integrations.length) return 'No integrations yet: add one with `npm run digital -- add-integration --name … --box-url …`.';
  return integrations.map((i) => `${i.id}\t${i.name}\tclient id ${i.clientId}\tbox ${i.boxUrl}\tsince ${i.createdAt}`).join('\n');
}
