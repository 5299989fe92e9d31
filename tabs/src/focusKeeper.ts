/**
 * Keeps the keyboard where it was when the tab draws a card anew (after an action, or a live update, the
 * whole card is replaced): on the same control, found by the data-focus-key cardAccessibility.ts gives it,
 * else on what stands in for it (its form's button, another button of its record, the next control), else
 * on the card's first heading. Forms (ShowCards) open before a live update are opened again.
 */
export interface FocusMark {
  /** Keys to try in order: the control's own, then its stand-ins. */
  keys: string[];
  /** The keys of the controls after it, for when neither it nor a stand-in is there any more. */
  following: string[];
  /** The ShowCard buttons that were expanded. */
  expanded: string[];
}

const KEYED = '[data-focus-key]';

/** Where the focus is on the card in `host`: `remembered` when focus fell off a control the redraw removed. */
export function markFocus(host: HTMLElement, remembered: HTMLElement | undefined): FocusMark | undefined {
  const active = document.activeElement;
  const lost = !active || active === document.body;
  const focused = active instanceof HTMLElement && host.contains(active) ? active.closest<HTMLElement>(KEYED) : lost ? remembered : undefined;
  const expanded = Array.from(host.querySelectorAll<HTMLElement>(`${KEYED}[aria-expanded="true"]`), (e) => e.dataset.focusKey!);
  if (!focused) return expanded.length ? { keys: [], following: [], expanded } : undefined;
  const all = Array.from(host.querySelectorAll<HTMLElement>(KEYED));
  const keys = [focused.dataset.focusKey, focused.dataset.focusFallback, focused.dataset.focusRecord].filter((k): k is string => !!k);
  const following = all.slice(all.indexOf(focused) + 1).map((e) => e.dataset.focusKey!);
  return { keys, following, expanded };
}

/** Puts the focus back after a redraw; `reopen`: open the forms that were open (not after the form was sent). */
export function restoreFocus(host: HTMLElement, mark: FocusMark | undefined, options: { reopen: boolean; headingIfLost: boolean }): void {
  if (mark && options.reopen) {
    for (const key of mark.expanded) find(host, key, '[aria-expanded="false"]')?.click();
  }
  const target = mark && [...mark.keys, ...mark.following].map((key) => find(host, key)).find((e) => !!e);
  if (target) return target.focus();
  if (mark?.keys.length || options.headingIfLost) focusHeading(host);
}

/** The card's first heading, made focusable for it (not a tab stop). */
export function focusHeading(host: HTMLElement): void {
  const heading = host.querySelector<HTMLElement>('[role="heading"]');
  if (!heading) return;
  heading.tabIndex = -1;
  heading.focus();
}

function find(host: HTMLElement, key: string, extra = ''): HTMLElement | undefined {
  const attribute = key.startsWith('record|') ? 'data-focus-record' : 'data-focus-key';
  for (const element of Array.from(host.querySelectorAll<HTMLElement>(`[${attribute}="${CSS.escape(key)}"]${extra}`))) {
    if (element.getClientRects().length > 0 && !(element as HTMLButtonElement).disabled) return element;
  }
  return undefined;
}
