import { createRequire } from 'node:module';

// The Adaptive Cards object model, loaded from its dist build (its lib/ build is for bundlers).
const require = createRequire(import.meta.url);
const AC = require('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void; validateProperties(): { validationEvents: Array<{ message: string }> } };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string } };
};

/**
 * Every warning and error the Adaptive Cards renderer raises for a card: unknown elements or actions,
 * bad property values, missing required properties. An empty list means the card is clean.
 */
export function cardProblems(card: unknown): string[] {
  const context = new AC.SerializationContext();
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  for (const event of parsed.validateProperties().validationEvents) problems.push(event.message);
  return problems;
}

interface ParsedAction {
  title?: string;
  card?: ParsedCard;
  getJsonTypeName(): string;
  getReferencedInputs(): Record<string, unknown> | undefined;
  validateInputs(): Array<{ id?: string }>;
}
interface ParsedCard {
  getAllActions(): ParsedAction[];
}

/**
 * What the renderer does when the action titled `title` is clicked with no input filled in: the ids of the
 * inputs it would send (its associated inputs), and the ids of those whose validation would stop it.
 */
export function inputsOfAction(card: unknown, title: string): { sent: string[]; refused: string[] } {
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, new AC.SerializationContext());
  // A set: a card's getAllActions may already hold those of the cards its Action.ShowCards open.
  const found = new Set<ParsedAction>();
  const walk = (c: ParsedCard): void => {
    for (const action of c.getAllActions()) {
      if (action.title === title && action.getJsonTypeName() === 'Action.Execute') found.add(action);
      if (action.card) walk(action.card);
    }
  };
  walk(parsed as unknown as ParsedCard);
  if (found.size !== 1) throw new Error(`expected one submitting action "${title}", found ${found.size}`);
  const action = [...found][0]!;
  return {
    sent: Object.keys(action.getReferencedInputs() ?? {}).sort(),
    refused: action
      .validateInputs()
      .map((i) => i.id ?? '')
      .sort(),
  };
}
