import { Action, AdaptiveCard, Container, GlobalSettings, ShowCardAction, type CardElement } from 'adaptivecards';

// The renderer makes the card's root a tab stop with no name (and no purpose): the tab never wants it.
GlobalSettings.setTabIndexAtCardRoot = false;

/**
 * What the Adaptive Cards renderer leaves out for a screen reader, added to a card it has just drawn:
 * heading levels (the card's first heading is level 2 under the page's h1, the others level 3), facts read
 * as label/value pairs (it draws a FactSet as a layout table), and a mark on tinted containers so the
 * contrast theme can draw their edge. Also names each control by a key that survives a redraw (FocusKeeper).
 */
export function improveRenderedCard(card: AdaptiveCard): void {
  const root = card.renderedElement;
  if (!root) return;
  root.querySelectorAll<HTMLElement>('[role="heading"]').forEach((heading, i) => heading.setAttribute('aria-level', i === 0 ? '2' : '3'));
  root.querySelectorAll<HTMLTableElement>('table.ac-factset').forEach(factsAsPairs);
  markTintedContainers(card);
  keyControls(card);
}

/** A FactSet as a table of two columns a screen reader announces as "State, row header: On call". */
function factsAsPairs(table: HTMLTableElement): void {
  table.setAttribute('role', 'table');
  for (const row of Array.from(table.rows)) {
    row.setAttribute('role', 'row');
    const [title, spacer, value] = Array.from(row.cells);
    // The renderer's empty spacer column would be read as a blank cell.
    if (spacer && value && spacer.textContent === '') {
      title?.style.setProperty('padding-right', spacer.style.width || '10px');
      spacer.remove();
    }
    title?.setAttribute('role', 'rowheader');
    value?.setAttribute('role', 'cell');
  }
}

function markTintedContainers(card: AdaptiveCard): void {
  const visit = (element: CardElement): void => {
    if (element instanceof Container && element.style && element.style !== 'default' && element !== card) element.renderedElement?.classList.add('tab-tinted');
    if (element instanceof Container) for (let i = 0; i < element.getItemCount(); i++) visit(element.getItemAt(i));
  };
  visit(card);
}

/**
 * Gives every button and input a data-focus-key that is the same in the next drawing of the card (an
 * action: its kind, title without counts, verb and record; an input: its id), and data-focus-fallback: the
 * key of what stands in for it when it is gone (a form's ShowCard button; another button of the same record).
 */
function keyControls(card: AdaptiveCard): void {
  const visitCard = (c: AdaptiveCard, opener: string | undefined): void => {
    for (const action of c.getAllActions()) keyAction(action, opener);
    for (const input of c.getAllInputs()) {
      // The control itself (input, select, textarea) inside the renderer's wrapper: the one that takes focus.
      const element = input.id ? input.renderedElement?.querySelector<HTMLElement>('input, select, textarea') : null;
      if (!element || !input.id) continue;
      element.dataset.focusKey = `input|${input.id}`;
      if (opener) element.dataset.focusFallback = opener;
    }
  };
  const keyAction = (action: Action, opener: string | undefined): void => {
    const element = action.renderedElement;
    const key = actionKey(action);
    if (element) {
      element.dataset.focusKey = key;
      const record = recordOf(action);
      // Seen again from its ShowCard (a card's getAllActions may hold its ShowCards' actions too): the
      // form's button is its stand-in.
      const fallback = opener ?? element.dataset.focusFallback ?? (record ? `record|${record}` : undefined);
      if (fallback) element.dataset.focusFallback = fallback;
      if (record) element.dataset.focusRecord = `record|${record}`;
    }
    if (action instanceof ShowCardAction && action.card) visitCard(action.card, key);
  };
  visitCard(card, undefined);
}

function actionKey(action: Action): string {
  const title = (action.title ?? '').replace(/\s*\(\d+\)$/, '');
  const data = dataOf(action);
  const verb = typeof data.verb === 'string' ? data.verb : ((action as { verb?: string }).verb ?? '');
  return [action.getJsonTypeName(), title, verb, recordOf(action) ?? ''].join('|');
}

function recordOf(action: Action): string | undefined {
  const data = dataOf(action);
  const id = data.recordId ?? data.customerId;
  return typeof id === 'string' ? id : undefined;
}

function dataOf(action: Action): Record<string, unknown> {
  const data = (action as { data?: unknown }).data;
  return data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
}

/**
 * The card's status banner as a sentence ("Note: Linked CS-1001 …"): a text that opens with a bold label,
 * as src/cards/banner.ts writes it. What the tab announces after an action.
 */
export function bannerText(host: HTMLElement): string | undefined {
  for (const paragraph of Array.from(host.querySelectorAll('.ac-textBlock p'))) {
    const label = paragraph.firstElementChild;
    if (label?.tagName === 'STRONG' && paragraph.firstChild === label && /^[A-Z][a-z]+:$/.test(label.textContent ?? '')) {
      return (paragraph.textContent ?? '').replace(/\s+/g, ' ').trim();
    }
  }
  return undefined;
}
