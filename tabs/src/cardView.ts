import { AdaptiveCard, ExecuteAction, HostConfig, OpenUrlAction, SerializationContext, SubmitAction, ToggleVisibilityAction, type Action } from 'adaptivecards';
import { improveRenderedCard } from './cardAccessibility.js';
import { markFocus, restoreFocus, type FocusMark } from './focusKeeper.js';
import { markdownToHtml } from './markdown.js';
import { hostConfigJson, type Theme } from './themes.js';

AdaptiveCard.onProcessMarkdown = (text, result) => {
  result.outputHtml = markdownToHtml(text);
  result.didProcess = true;
};

/** Which card is drawn (the Customer Card or a record's details), and whether it answers this tab's own action. */
export interface ShowHow {
  kind: 'card' | 'details';
  afterAction: boolean;
}

/** A click on the card: the Action.Execute verb and its data with the card's input values merged in. */
export interface CardClick {
  verb: string;
  data: Record<string, unknown>;
  title: string;
}

/**
 * Draws card JSON with the Adaptive Cards renderer, in the theme's host config, into `host`. Action.Execute
 * (and Action.Submit with a verb in its data, its fallback) goes to `onClick`; the renderer has already
 * checked the required inputs. Action.OpenUrl opens a new window.
 */
export class CardView {
  private card: AdaptiveCard | undefined;
  private json: unknown;
  private hostConfigs = new Map<Theme, HostConfig>();
  /** Whether the person has typed or chosen something on the card since it was drawn. */
  private edited = false;
  private kind: ShowHow['kind'] | undefined;
  /** The last control of the card that had the focus (a redraw or `inert` drops the focus to the body). */
  private remembered: HTMLElement | undefined;
  /** Where the focus was on each kind of card when another was shown: "Back" returns to the Details button. */
  private readonly marks = new Map<ShowHow['kind'], FocusMark | undefined>();

  constructor(
    private readonly host: HTMLElement,
    private theme: Theme,
    private readonly onClick: (click: CardClick) => void,
  ) {
    const markEdited = (event: Event) => {
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement || event.target instanceof HTMLSelectElement) {
        this.edited = true;
      }
    };
    host.addEventListener('input', markEdited);
    host.addEventListener('change', markEdited);
    document.addEventListener('focusin', (event) => {
      const target = event.target instanceof HTMLElement ? event.target : undefined;
      this.remembered = target && host.contains(target) ? (target.closest<HTMLElement>('[data-focus-key]') ?? undefined) : undefined;
    });
  }

  show(json: unknown, how: ShowHow = { kind: this.kind ?? 'card', afterAction: false }): void {
    const mark = markFocus(this.host, this.remembered);
    const sameKind = how.kind === this.kind;
    if (!sameKind && this.kind) this.marks.set(this.kind, mark);
    this.json = json;
    const card = new AdaptiveCard();
    card.hostConfig = this.hostConfig(this.theme);
    card.onExecuteAction = (action) => this.execute(action);
    // A ShowCard's form is drawn when it first opens: its controls get their keys and headings then.
    card.onInlineCardExpanded = () => improveRenderedCard(card);
    const context = new SerializationContext();
    card.parse(json, context);
    const element = card.render();
    if (!element) throw new Error('the card could not be drawn');
    this.card = card;
    this.edited = false;
    this.host.replaceChildren(element);
    // A card just drawn is never waiting on an action: an inert host could not take the focus back.
    this.setEnabled(true);
    improveRenderedCard(card);
    this.markSections();
    this.remembered = undefined;
    const wasOnCard = !!mark?.keys.length;
    this.kind = how.kind;
    if (sameKind) restoreFocus(this.host, mark, { reopen: !how.afterAction, headingIfLost: false });
    else restoreFocus(this.host, this.marks.get(how.kind), { reopen: false, headingIfLost: wasOnCard });
  }

  clear(): void {
    this.card = undefined;
    this.kind = undefined;
    this.marks.clear();
    this.edited = false;
    this.json = undefined;
    this.host.replaceChildren();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    if (this.json !== undefined && !this.isBeingEdited()) this.show(this.json);
  }

  /** True while the person has typed or chosen something on the card that a redraw would throw away. */
  isBeingEdited(): boolean {
    return this.edited && !!this.card;
  }

  /** Turns every button on or off (while an action runs, so a double click does not send it twice). */
  setEnabled(enabled: boolean): void {
    this.host.toggleAttribute('inert', !enabled);
    this.host.setAttribute('aria-busy', String(!enabled));
    // `inert` dropped the focus to the body: an action that failed (the card stays as it was) gives it back.
    const lost = !document.activeElement || document.activeElement === document.body;
    if (enabled && lost && this.remembered?.isConnected) this.remembered.focus();
  }

  /**
   * The card's section buttons (Action.ToggleVisibility) say which section is shown, as a pressed button,
   * so the state is in words for a screen reader and not only on screen.
   */
  private markSections(): void {
    const card = this.card;
    if (!card) return;
    for (const action of card.getAllActions()) {
      if (!(action instanceof ToggleVisibilityAction) || !action.renderedElement) continue;
      // The renderer marks a shown or hidden section aria-expanded, which a plain container may not carry
      // (axe: aria-allowed-attr); the pressed button says it instead.
      for (const id of Object.keys(action.targetElements)) card.getElementById(id)?.renderedElement?.removeAttribute('aria-expanded');
      const shows = Object.entries(action.targetElements).filter(([, visible]) => visible === true);
      const pressed = shows.length > 0 && shows.every(([id]) => card.getElementById(id)?.isVisible === true);
      action.renderedElement.setAttribute('aria-pressed', String(pressed));
    }
  }

  private execute(action: Action): void {
    if (action instanceof ToggleVisibilityAction) {
      // The renderer toggles the sections right after telling us.
      queueMicrotask(() => this.markSections());
    } else if (action instanceof ExecuteAction) {
      this.onClick({ verb: action.verb ?? '', data: asRecord(action.data), title: action.title ?? action.verb ?? '' });
    } else if (action instanceof SubmitAction) {
      const data = asRecord(action.data);
      if (typeof data.verb === 'string') this.onClick({ verb: data.verb, data, title: action.title ?? data.verb });
    } else if (action instanceof OpenUrlAction && action.url && /^https:\/\//.test(action.url)) {
      window.open(action.url, '_blank', 'noopener');
    }
  }

  private hostConfig(theme: Theme): HostConfig {
    let config = this.hostConfigs.get(theme);
    if (!config) this.hostConfigs.set(theme, (config = new HostConfig(hostConfigJson(theme))));
    return config;
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
}
