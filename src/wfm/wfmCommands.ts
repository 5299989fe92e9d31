import type { UnitOfWork } from '../store/unitOfWork.js';
import type { IssuedWfmKey, WfmApiKeyInfo, WfmApiKeys } from './apiKeys.js';
import type { ScheduleImporter } from './ports.js';
import { importScheduleCommand, showScheduleCommand } from './scheduleCommands.js';

/**
 * The workforce admin's commands (`npm run wfm -- …`, scripts/wfm.ts). Each is one entry of WFM_COMMANDS:
 * its usage, a check of its arguments (before the database is opened) and what it does, so a new command is
 * one more entry (and what it acts on, one more field of WfmCommandDeps).
 */

/** What the commands act on; the script builds it on the app's database. */
export interface WfmCommandDeps {
  keys: WfmApiKeys;
  schedules: ScheduleImporter;
  unit: UnitOfWork;
  siteTimeZone: string;
}

interface WfmCommandSpec {
  usage: string;
  /** Throws WfmUsageError when the arguments are not the command's. */
  check(args: readonly string[]): void;
  /** Returns what to print. */
  run(args: readonly string[], deps: WfmCommandDeps): Promise<string>;
}

export class WfmUsageError extends Error {
  override readonly name = 'WfmUsageError';
}

const clipArg = (value: string) => (value.length > 50 ? `${value.slice(0, 50)}…` : value);

/** One argument, the consumer's name (checked by the keys themselves). */
const oneConsumer = (name: string) => (args: readonly string[]) => {
  if (!args[0]) throw new WfmUsageError(`${name} needs the consumer's name`);
  if (args.length > 1) throw new WfmUsageError(`unexpected argument: ${clipArg(args[1]!)}`);
};

export const WFM_COMMANDS: Readonly<Record<string, WfmCommandSpec>> = {
  'add-key': {
    usage: `  npm run wfm -- add-key <consumer>
      Issues an API key for a WFM system (a consumer: letters, digits and . _ -) and prints it once.
      A consumer that already has one gets a new one, and the old one stops working.`,
    check: oneConsumer('add-key'),
    run: async ([consumer], { keys }) => describeIssuedKey(await keys.issue(consumer!)),
  },
  'revoke-key': {
    usage: `  npm run wfm -- revoke-key <consumer>
      Revokes the consumer's key: /api/wfm answers it 401 from now on.`,
    check: oneConsumer('revoke-key'),
    run: async ([consumer], { keys }) => ((await keys.revoke(consumer!)) ? `The key of ${consumer} is revoked.` : `${consumer} has no key in force: nothing to revoke.`),
  },
  'list-keys': {
    usage: `  npm run wfm -- list-keys
      Lists the consumers, when their key was issued and whether it is revoked (never a key).`,
    check: (args) => {
      if (args.length) throw new WfmUsageError(`unexpected argument: ${clipArg(args[0]!)}`);
    },
    run: async (_args, { keys }) => describeKeys(await keys.list()),
  },
  'import-schedule': {
    usage: `  npm run wfm -- import-schedule <file.csv|file.json>
      Publishes a schedule: CSV with the header agent,activity,start,end (agent: email or Entra object id;
      start and end ISO-8601 with an offset), or JSON [{agent, activity, start, end}]. Each agent's schedule
      over the span their lines cover is replaced; refused lines are listed with their number and why.`,
    check: (args) => {
      if (args.length !== 1) throw new WfmUsageError('import-schedule takes one file: import-schedule <file.csv|file.json>');
    },
    run: (args, { schedules }) => importScheduleCommand(args, { schedules }),
  },
  'show-schedule': {
    usage: `  npm run wfm -- show-schedule <agent email or id> <YYYY-MM-DD>
      An agent's schedule on that day of the site (WFM_SITE_TIME_ZONE).`,
    check: (args) => {
      if (args.length !== 2) throw new WfmUsageError('show-schedule takes an agent and a date: show-schedule <agent email or id> <YYYY-MM-DD>');
    },
    run: (args, { unit, siteTimeZone }) => showScheduleCommand(args, { unit, siteTimeZone }),
  },
};

export const WFM_USAGE = `Usage:\n${Object.values(WFM_COMMANDS)
  .map((c) => c.usage)
  .join('\n')}`;

export type WfmCommand = { command: 'help' } | { command: string; args: readonly string[] };

/** Reads the command line; a mistake throws WfmUsageError saying what is wrong. */
export function parseWfmCommand(argv: readonly string[]): WfmCommand {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') return { command: 'help' };
  const spec = Object.hasOwn(WFM_COMMANDS, name) ? WFM_COMMANDS[name] : undefined;
  if (!spec) throw new WfmUsageError(`unknown command: ${clipArg(name)} (${Object.keys(WFM_COMMANDS).join(', ')})`);
  spec.check(args);
  return { command: name, args };
}

/** Runs a command read by parseWfmCommand and returns what to print. */
export async function runWfmCommand(command: WfmCommand, deps: WfmCommandDeps): Promise<string> {
  if (!('args' in command)) return WFM_USAGE;
  return WFM_COMMANDS[command.command]!.run(command.args, deps);
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
