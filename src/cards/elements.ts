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

/** Universal Action: Teams sends an adaptiveCard/action invoke with this verb and data (plus any inputs). */
export function execute(title: string, verb: string, data: Record<string, unknown>, options: Record<string, unknown> = {}): Action {
  return { type: 'Action.Execute', title, verb, data, ...options };
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
