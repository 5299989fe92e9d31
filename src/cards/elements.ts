import type { ActionSet, AdaptiveCard, CardAction, CardElement, ChoiceSetInput, Container, ExecuteAction, FactSet, ShowCardAction, TextBlock, TextInput } from './schema/adaptiveCard.js';
import type { ActionData, Choice, Fact } from './schema/vocabulary.js';

/**
 * Small typed builders for the Adaptive Card elements our cards use (schema 1.5, the highest Teams
 * renders; its types are in schema/). Plain objects in, plain JSON out: a card is data, and a test can parse it.
 */

/** A builder's options: every property of the element but its type and those the builder's arguments set. */
type Options<T, Given extends keyof T = never> = Omit<T, 'type' | Given>;

export const CARD_VERSION = '1.5';

export function card(body: CardElement[], actions: CardAction[] = [], extra: Options<AdaptiveCard, '$schema' | 'version' | 'body' | 'actions'> = {}): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
    ...(actions.length ? { actions } : {}),
    ...extra,
  };
}

export function text(value: string, options: Options<TextBlock, 'text'> = {}): TextBlock {
  return { type: 'TextBlock', text: value, wrap: true, ...options };
}

export function heading(value: string, size: 'Medium' | 'Large' = 'Medium'): TextBlock {
  return text(value, { size, weight: 'Bolder', style: 'heading' });
}

export function facts(items: Fact[]): FactSet {
  return { type: 'FactSet', facts: items };
}

export function container(items: CardElement[], options: Options<Container, 'items'> = {}): Container {
  return { type: 'Container', items, ...options };
}

export function actionSet(actions: CardAction[]): ActionSet {
  return { type: 'ActionSet', actions };
}

/**
 * Universal Action: Teams sends an adaptiveCard/action invoke with this verb and data (plus any inputs).
 * Its inputs are said, never left to the host's default: 'auto' (the inputs of the card it sits in and of the
 * cards around it: a form's own action, in the form's own ShowCard) unless told 'none'.
 */
export function execute(title: string, verb: string, data: ActionData, options: Options<ExecuteAction, 'title' | 'verb' | 'data'> = {}): ExecuteAction {
  return { type: 'Action.Execute', title, verb, data, associatedInputs: 'auto', ...options };
}

/** How long a record's name may be in a button's title: enough to tell records apart, short enough to wrap. */
const NAME_IN_TITLE = 40;

/**
 * A button acting on one record of a list, named with it ("Details: Maria Garcia"): the renderers (Teams' and
 * the tab's) make the title the button's accessible name, so three "Details" buttons would sound alike. It
 * sends no input: a form elsewhere on the card is neither checked nor sent by it.
 */
export function recordAction(title: string, recordName: string, verb: string, data: ActionData, options: Options<ExecuteAction, 'title' | 'verb' | 'data'> = {}): ExecuteAction {
  return execute(recordActionTitle(title, recordName), verb, data, { associatedInputs: 'none', ...options });
}

/** The title recordAction gives: `Details: Maria Garcia`. */
export function recordActionTitle(title: string, recordName: string): string {
  const name = trimText(recordName.replace(/\s+/g, ' ').trim(), NAME_IN_TITLE);
  return name ? `${title}: ${name}` : title;
}

export function showCard(title: string, body: CardElement[], actions: CardAction[]): ShowCardAction {
  return { type: 'Action.ShowCard', title, card: { type: 'AdaptiveCard', body, actions } };
}

export function input(id: string, label: string, options: Options<TextInput, 'id' | 'label'> = {}): TextInput {
  return { type: 'Input.Text', id, label, ...options };
}

/** A compact choice set (a dropdown) of the given choices. */
export function choiceSet(id: string, label: string, choices: Choice[], options: Options<ChoiceSetInput, 'id' | 'label' | 'choices'> = {}): ChoiceSetInput {
  return { type: 'Input.ChoiceSet', id, label, style: 'compact', choices, ...options };
}

/** A choice set whose values are their own titles. */
export function choices(id: string, label: string, values: readonly string[], options: Options<ChoiceSetInput, 'id' | 'label' | 'choices'> = {}): ChoiceSetInput {
  return choiceSet(
    id,
    label,
    values.map((v) => ({ title: v, value: v })),
    options,
  );
}

/** Cuts a text to `max` characters on a word boundary, marking the cut. */
export function trimText(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = value.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

/** Adaptive Card text is Markdown: keep data from the CRM from being read as formatting. */
export function plain(value: string): string {
  return value.replace(/([\\*_~`[\]#>])/g, '\\$1');
}
