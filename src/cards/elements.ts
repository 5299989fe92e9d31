/**
 * Small typed builders for the Adaptive Card elements our cards use (schema 1.5, the highest Teams
 * renders). Plain objects in, plain JSON out: a card is data, and a test can parse it.
 */
export type Element = Record<string, unknown>;
export type Action = Record<string, unknown>;

export const CARD_VERSION = '1.5';

export function card(body: Element[], actions: Action[] = [], extra: Record<string, unknown> = {}): Element {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
    ...(actions.length ? { actions } : {}),
    ...extra,
  };
}

export function text(value: string, options: Record<string, unknown> = {}): Element {
  return { type: 'TextBlock', text: value, wrap: true, ...options };
}

export function heading(value: string, size: 'Medium' | 'Large' = 'Medium'): Element {
  return text(value, { size, weight: 'Bolder', style: 'heading' });
}

export function facts(items: Array<{ title: string; value: string }>): Element {
  return { type: 'FactSet', facts: items };
}

export function container(items: Element[], options: Record<string, unknown> = {}): Element {
  return { type: 'Container', items, ...options };
}

export function actionSet(actions: Action[]): Element {
  return { type: 'ActionSet', actions };
}

/**
 * Universal Action: Teams sends an adaptiveCard/action invoke with this verb and data (plus any inputs).
 * Its inputs are said, never left to the host's default: 'auto' (the inputs of the card it sits in and of the
 * cards around it: a form's own action, in the form's own ShowCard) unless told 'none'.
 */
export function execute(title: string, verb: string, data: Record<string, unknown>, options: Record<string, unknown> = {}): Action {
  return { type: 'Action.Execute', title, verb, data, associatedInputs: 'auto', ...options };
}

/** How long a record's name may be in a button's title: enough to tell records apart, short enough to wrap. */
const NAME_IN_TITLE = 40;

/**
 * A button acting on one record of a list, named with it ("Details: Maria Garcia"): the renderers (Teams' and
 * the tab's) make the title the button's accessible name, so three "Details" buttons would sound alike. It
 * sends no input: a form elsewhere on the card is neither checked nor sent by it.
 */
export function recordAction(title: string, recordName: string, verb: string, data: Record<string, unknown>, options: Record<string, unknown> = {}): Action {
  return execute(recordActionTitle(title, recordName), verb, data, { associatedInputs: 'none', ...options });
}

/** The title recordAction gives: `Details: Maria Garcia`. */
export function recordActionTitle(title: string, recordName: string): string {
  const name = trimText(recordName.replace(/\s+/g, ' ').trim(), NAME_IN_TITLE);
  return name ? `${title}: ${name}` : title;
}

export function showCard(title: string, body: Element[], actions: Action[]): Action {
  return { type: 'Action.ShowCard', title, card: { type: 'AdaptiveCard', body, actions } };
}

export function input(id: string, label: string, options: Record<string, unknown> = {}): Element {
  return { type: 'Input.Text', id, label, ...options };
}

export function choices(id: string, label: string, values: readonly string[], options: Record<string, unknown> = {}): Element {
  return {
    type: 'Input.ChoiceSet',
    id,
    label,
    style: 'compact',
    choices: values.map((v) => ({ title: v, value: v })),
    ...options,
  };
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
