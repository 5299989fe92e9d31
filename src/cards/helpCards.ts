import { card, container, facts, heading, text } from './elements.js';
import type { AdaptiveCard, FactSet } from './schema/adaptiveCard.js';

export interface HelpContext {
  simulator: boolean;
  /** The chat commands this person may use (src/teams/chatCommands.ts). */
  commands: ReadonlyArray<{ usage: string; does: string }>;
  reasonCodes: readonly string[];
}

function commandFacts(context: HelpContext): FactSet {
  return facts(context.commands.map((c) => ({ title: c.usage, value: c.does })));
}

/** Shown when the app is installed: what the bot does and the first step. */
export function welcomeCard(name: string, context: HelpContext): AdaptiveCard {
  return card([
    heading(`Welcome${name ? `, ${name}` : ''}`, 'Large'),
    text(
      "I show you the **Customer Card** for every call you take: the caller's CRM records, found by their number. You can link, create and edit records from the card, and when you complete After Call Work I log the call on the linked records.",
    ),
    container([text('**Next step:** type **available** to start taking calls.' + (context.simulator ? ' Then try **call +1 206 555 0142** to simulate a call from a demo customer.' : ''))], {
      style: 'emphasis',
    }),
    text('Commands', { weight: 'Bolder' }),
    commandFacts(context),
  ]);
}

export function helpCard(context: HelpContext): AdaptiveCard {
  return card([heading('What I can do'), commandFacts(context), text(`Reason codes: ${context.reasonCodes.join(', ')}.`, { isSubtle: true })]);
}
