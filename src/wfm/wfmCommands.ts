import type { IssuedWfmKey, WfmApiKeyInfo, WfmApiKeys } from './apiKeys.js';

/**
 * The workforce admin's commands (`npm run wfm -- …`, scripts/wfm.ts). Each is one entry of COMMANDS: how it
 * reads its arguments and what it does, so a new one (say `import-schedule <file>`) is one more entry.
 */
export type WfmCommand = { command: 'add-key'; consumer: string } | { command: 'revoke-key'; consumer: string } | { command: 'list-keys' } | { command: 'help' };

/** What the commands act on; the script builds it on the app's database. */
export interface WfmCommandDeps {
  keys: WfmApiKeys;
}

export const WFM_USAGE = `Usage:
  npm run wfm -- add-key <consumer>
      Issues an API key for a WFM system (a consumer: letters, digits and . _ -) and prints it once.
      A consumer that already has one gets a new one, and the old one stops working.
  npm run wfm -- revoke-key <consumer>
      Revokes the consumer's key: /api/wfm answers it 401 from now on.
  npm run wfm -- list-keys
      Lists the consumers, when their key was issued and whether it is revoked (never a key).`;

export class WfmUsageError extends Error {
  override readonly name = 'WfmUsageError';
}

const clipArg = (value: string) => (value.length > 50 ? `${value.slice(0, 50)}…` : value);

/** Reads the command line; a mistake throws WfmUsageError saying what is wrong. */
export function parseWfmCommand(argv: string[]): WfmCommand {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') return { command: 'help' };
  const extra = (allowed: number) => {
    if (args.length > allowed) throw new WfmUsageError(`unexpected argument: ${clipArg(args[allowed]!)}`);
  };
  switch (name) {
    case 'add-key':
    case 'revoke-key': {
      extra(1);
      const consumer = args[0];
      if (!consumer) throw new WfmUsageError(`${name} needs the consumer's name`);
      return { command: name, consumer };
    }
    case 'list-keys':
      extra(0);
      return { command: 'list-keys' };
    default:
      throw new WfmUsageError(`unknown command: ${clipArg(name)} (add-key, revoke-key or list-keys)`);
  }
}

/** Runs a command and returns what to print. */
export async function runWfmCommand(command: WfmCommand, deps: WfmCommandDeps): Promise<string> {
  switch (command.command) {
    case 'help':
      return WFM_USAGE;
    case 'add-key':
      return describeIssuedKey(await deps.keys.issue(command.consumer));
    case 'revoke-key':
      return (await deps.keys.revoke(command.consumer)) ? `The key of ${command.consumer} is revoked.` : `${command.consumer} has no key in force: nothing to revoke.`;
    case 'list-keys':
      return describeKeys(await deps.keys.list());
  }
}

/** What the admin is shown once: the key and how a WFM system uses it. */
export function describeIssuedKey({ consumer, key }: IssuedWfmKey): string {
  return [
    `API key for ${consumer}:`,
    '',
    `  ${key}`,
    '',
    "Give it to the WFM system: it sends it as 'Authorization: Bearer <key>' to /api/wfm/intervals, /api/wfm/agent-activity",
    'and /api/wfm/schedules. It is shown this once and is not stored (only a hash is): if it is lost, run add-key again',
    'for a new one (the old one stops working).',
  ].join('\n');
}

export function describeKeys(keys: WfmApiKeyInfo[]): string {
  if (!keys.length) return 'No API keys yet: issue one with `npm run wfm -- add-key <consumer>`.';
  return keys.map((k) => `${k.consumer}\tkey wfm_${k.id}_…\tissued ${k.createdAt}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'in force'}`).join('\n');
}
