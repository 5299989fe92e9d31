import type { Application } from '@microsoft/teams-ai';
import type { AgentService } from '../agents/agentService.js';
import { helpCard, type HelpContext } from '../cards/helpCards.js';
import type { BotDeps } from './deps.js';
import { becomeAvailable, becomeUnavailable } from './features/agentState.js';
import { hangUp, showCard, simulateCall } from './features/calls.js';
import { simulateChat } from './features/chats.js';
import { replyToEndUser } from './features/digitalReply.js';
import { showReport } from './features/report.js';
import { searchCrm } from './features/search.js';
import { showStatus } from './features/supervisor.js';
import { sendCard } from './replies.js';
import { argumentOf, command, type ChatCommand } from './turn.js';

/**
 * Every chat command, in the order the help card lists them: the bot's routes, the help and welcome cards'
 * lists and the manifest's command menu all come from here.
 */
export const CHAT_COMMANDS: readonly ChatCommand[] = [
  {
    word: 'available',
    pattern: /^\s*available\s*$/i,
    usage: 'available',
    does: 'Become Available, so calls are routed to you.',
    menu: 'Set yourself available for calls and chats',
    run: becomeAvailable,
  },
  {
    word: 'unavailable',
    pattern: /^\s*unavailable(\s+.*)?$/i,
    usage: 'unavailable <reason>',
    does: 'Stop taking calls, with a reason code (for example "unavailable lunch").',
    menu: 'Set yourself unavailable, with a reason: unavailable lunch',
    run: becomeUnavailable,
  },
  {
    word: 'call',
    pattern: /^\s*call(\s+.*)?$/i,
    usage: 'call <number>',
    does: 'Simulate an inbound call from that number, routed to you (local simulator).',
    menu: 'Start a call from a number (local simulator): call +1 202 555 0142',
    simulatorOnly: true,
    run: simulateCall,
  },
  {
    word: 'chat',
    pattern: /^\s*chat(\s+.*)?$/is,
    usage: 'chat <first name> <last name> <text>',
    does: 'Simulate a web chat message from that person, sent through the channel API and routed like a real chat (local simulator).',
    menu: 'Start a web chat as a customer (local simulator): chat Peter Solo Hello',
    simulatorOnly: true,
    run: simulateChat,
  },
  {
    word: 'search',
    pattern: /^\s*search(\s+.*)?$/i,
    usage: 'search <text>',
    does: 'Find CRM records by name, phone, email or case number.',
    menu: 'Find CRM records by name, phone, email or case number',
    run: searchCrm,
  },
  {
    word: 'hangup',
    pattern: /^\s*(hangup|hang up)\s*$/i,
    usage: 'hangup',
    does: 'End the call and start After Call Work on the Customer Card.',
    menu: 'End the current call and start after-call work',
    run: hangUp,
  },
  {
    word: 'card',
    pattern: /^\s*card\s*$/i,
    usage: 'card',
    does: 'Show the Customer Card of your open interaction again.',
    menu: 'Show the Customer Card of the current interaction',
    run: showCard,
  },
  {
    word: 'reply',
    pattern: /^\s*reply(\s+[\s\S]*)?$/i,
    usage: 'reply <text>',
    does: 'Answer your digital conversation (the one whose customer wrote last, if you have several).',
    menu: 'Answer the customer of your digital conversation: reply Thanks, on it',
    run: replyToEndUser,
  },
  {
    word: 'status',
    // "who is on a call with <name>" is the status filter "with <name>" asked in words.
    pattern: /^\s*(?:status(?:\s+[\s\S]*)?|who(?:'s|’s|\s+is)\s+on\s+a\s+call\s+with(?:\s+[\s\S]*)?)$/i,
    usage: 'status',
    does: 'Every agent\'s state, reason code, time in state and interaction. Filters: "status acw", "status lunch", "status skill Billing", "status over 5m", combined ("status acw over 5m"), and "who is on a call with <customer or account>". "status help" lists them.',
    menu: 'Supervisors: agents by state, skill, time in state: status acw over 5m',
    supervisorsOnly: true,
    run: showStatus,
  },
  {
    word: 'report',
    pattern: /^\s*report(\s+.*)?$/i,
    usage: 'report today|yesterday|<date> [skill]',
    does: "A day's 15-minute intervals (offered, handled, abandoned, service level, ASA, AHT), totals and lowest adherence, with a CSV: report today, report 2026-12-07 Billing.",
    menu: "Supervisors: a day's interval report and its CSV: report today",
    supervisorsOnly: true,
    run: showReport,
  },
  {
    word: 'help',
    pattern: /^\s*(help|\?|hi|hello)\s*$/i,
    usage: 'help',
    does: 'This list.',
    menu: 'List the commands and what they do',
    run: async ({ context, caller }, deps) => sendCard(context, helpCard(helpContextFor(deps, caller.aadObjectId))),
  },
];

/** Routes every chat command's messages to it, answering its failure with a message meant for the sender. */
export function registerChatCommands(app: Application, deps: BotDeps): void {
  for (const chatCommand of CHAT_COMMANDS) {
    app.message(
      chatCommand.pattern,
      command(deps, (context, caller) => chatCommand.run({ context, caller, argument: argumentOf(context, chatCommand.word) }, deps)),
    );
  }
}

/** What the help and welcome cards tell this person: the commands they may use, and the reason codes. */
export function helpContextFor(deps: { acd: { enabled: boolean }; agents: Pick<AgentService, 'isSupervisor' | 'reasonCodes'> }, aadObjectId: string | undefined): HelpContext {
  const simulator = deps.acd.enabled;
  const supervisor = deps.agents.isSupervisor(aadObjectId);
  return {
    simulator,
    commands: CHAT_COMMANDS.filter((c) => (!c.simulatorOnly || simulator) && (!c.supervisorsOnly || supervisor)),
    reasonCodes: deps.agents.reasonCodes,
  };
}

/** Teams' command menu (the app manifest's personal command list): help first, where people look for it. */
export function manifestCommands(): Array<{ title: string; description: string }> {
  const help = CHAT_COMMANDS.filter((c) => c.word === 'help');
  return [...help, ...CHAT_COMMANDS.filter((c) => c.word !== 'help')].map((c) => ({ title: c.word, description: c.menu }));
}
