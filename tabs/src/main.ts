import './tab.css';
import { bannerText } from './cardAccessibility.js';
import { CardView, type CardClick } from './cardView.js';
import { focusHeading } from './focusKeeper.js';
import { showLocalIdentityPicker } from './localIdentity.js';
import { followCard, type LiveState } from './liveUpdates.js';
import { ApiError, TabApi, type Credentials, type TabView } from './tabApi.js';
import { connectToTeams } from './teamsHost.js';
import { themeOf, type Theme } from './themes.js';
import { SupervisorViews, type SupervisorViewsUi } from './supervisorViews.js';

/**
 * The personal tab: the agent's current Customer Card, drawn from the same card JSON as the chat, acting
 * through the same engine, and kept current by the server's live updates.
 */
class CustomerCardTab {
  private api: TabApi | undefined;
  private live: { stop(): void } | undefined;
  private shown: TabView | undefined;
  /** A live update held back: the agent is reading a record's details, or typing on the card. */
  private held: TabView | undefined;
  private busy = false;
  private liveState: LiveState = { kind: 'connecting' };
  private readonly card: CardView;
  private readonly supervisorViews: SupervisorViews;

  constructor(
    private readonly ui: Ui,
    theme: Theme,
  ) {
    this.card = new CardView(ui.card, theme, (click) => void this.act(click));
    this.supervisorViews = new SupervisorViews(ui);
    ui.showLatest.addEventListener('click', () => {
      if (!this.held) return;
      this.show(this.held);
      // The button hides with the note: the keyboard goes on to the card it showed, not to the page's top.
      focusHeading(this.ui.card);
    });
  }

  setTheme(theme: Theme): void {
    document.documentElement.dataset.theme = theme;
    this.card.setTheme(theme);
  }

  /** Starts (or restarts, for another identity) showing the card of the agent these credentials name. */
  async start(credentials: Credentials, describe: (name: string | null) => string): Promise<void> {
    this.live?.stop();
    this.api = new TabApi(credentials, newSessionId());
    this.setProblem(undefined);
    this.status('Loading your Customer Card…');
    const api = this.api;
    const answer = await api.card();
    if (api !== this.api) return;
    this.ui.who.textContent = describe(answer.agent.name);
    this.show(answer);
    this.supervisorViews.offer(answer.supervisor === true ? api : undefined);
    this.live = followCard(
      api,
      (view) => this.onLiveView(view),
      (state) => this.onLiveState(state),
    );
  }

  stop(): void {
    this.supervisorViews.offer(undefined);
    this.live?.stop();
    this.live = undefined;
    this.api = undefined;
  }

  private onLiveView(view: TabView): void {
    if (isOlder(view, this.held) || isOlder(view, this.shown)) return; // overtaken on the way by a newer one
    if (this.busy) {
      // This tab's own action is answering: the answer or this, whichever is newer, is shown after it.
      this.held = view;
      return;
    }
    const sameInteraction = !!this.shown && view.interactionId === this.shown.interactionId;
    if (sameInteraction && this.shown?.view === 'details') {
      this.hold(view, 'The Customer Card changed while you read these details: "Back to the Customer Card" shows it.');
      return;
    }
    if (sameInteraction && this.card.isBeingEdited()) {
      this.hold(view, 'The Customer Card changed while you were typing on it. Finish and send, or show the latest card.');
      return;
    }
    this.show(view);
  }

  private hold(view: TabView, text: string): void {
    this.held = view;
    this.ui.pendingText.textContent = text;
    this.ui.pending.hidden = false;
  }

  /** `afterAction`: the answer to this tab's own action (its outcome is announced, its form stays closed). */
  private show(view: TabView, afterAction = false): void {
    const before = this.ui.card.hidden ? undefined : bannerText(this.ui.card);
    this.shown = view;
    this.held = undefined;
    this.ui.pending.hidden = true;
    if (view.view === 'empty' || !view.card) {
      this.card.clear();
      this.ui.empty.hidden = false;
      this.ui.card.hidden = true;
    } else {
      this.ui.empty.hidden = true;
      this.ui.card.hidden = false;
      try {
        this.card.show(view.card, { kind: view.view === 'details' ? 'details' : 'card', afterAction });
        // What an action did, or a new state a live update brought, said to a screen reader (#announcer).
        const outcome = bannerText(this.ui.card);
        if (outcome && (afterAction || outcome !== before)) this.announce(outcome);
      } catch (error) {
        this.setProblem(`This card could not be drawn (${error instanceof Error ? error.message : String(error)}). The chat shows it.`);
      }
    }
  }

  private async act(click: CardClick): Promise<void> {
    const api = this.api;
    if (!api || this.busy) return;
    this.busy = true;
    this.held = undefined;
    this.card.setEnabled(false);
    this.status(`Working: ${click.title}…`);
    try {
      const answer = await api.act(click.verb, click.data);
      // Set by a live update while the action ran (see onLiveView).
      const held = this.held as TabView | undefined;
      // Another interaction's card (the agent moved on), or this one's drawn after the answer: it is newer.
      const newer = held && (held.interactionId !== answer.interactionId || isOlder(answer, held)) ? held : undefined;
      this.setProblem(undefined);
      this.show(newer ?? answer, true);
    } catch (error) {
      this.setProblem(error instanceof ApiError ? `${click.title} did not go through: ${error.reason}` : `${click.title} did not go through. Try again.`);
      const held = this.held as TabView | undefined;
      if (held) this.show(held);
    } finally {
      this.busy = false;
      this.card.setEnabled(true);
      this.onLiveState(this.liveState);
    }
  }

  private onLiveState(state: LiveState): void {
    this.liveState = state;
    if (this.busy) return;
    switch (state.kind) {
      case 'connecting':
        return this.status('Connecting for live updates…');
      case 'live':
        return this.status('Live: this card updates by itself when it changes in the chat or in the CRM.');
      case 'retrying':
        return this.status(`Live updates paused (${state.why}). Trying again in ${state.inSeconds} s…`);
      case 'refused':
        return this.status(`Live updates stopped: ${state.why}. Reload the tab to try again.`);
    }
  }

  /** Says `text` once in the page's polite live region (the same text again is said again). */
  private announce(text: string): void {
    this.ui.announcer.textContent = '';
    // A change the screen reader can hear: emptied, then filled on the next frame.
    requestAnimationFrame(() => (this.ui.announcer.textContent = text));
  }

  status(text: string): void {
    // Set only when it changes: the status is a live region, and the same words again would be said again.
    if (this.ui.status.textContent !== text) this.ui.status.textContent = text;
  }

  setProblem(text: string | undefined): void {
    this.ui.problem.textContent = text ?? '';
    this.ui.problem.hidden = !text;
  }
}

interface Ui extends SupervisorViewsUi {
  who: HTMLElement;
  status: HTMLElement;
  announcer: HTMLElement;
  problem: HTMLElement;
  pending: HTMLElement;
  pendingText: HTMLElement;
  showLatest: HTMLButtonElement;
  card: HTMLElement;
  empty: HTMLElement;
  emptyLocalHint: HTMLElement;
  switchIdentity: HTMLButtonElement;
}

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** Whether `view` shows an older state of the interaction `than` shows (see TabView.revision). */
function isOlder(view: TabView, than: TabView | undefined): boolean {
  return !!than && view.interactionId === than.interactionId && (view.revision ?? 0) < (than.revision ?? 0);
}

function newSessionId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function main(): Promise<void> {
  const ui: Ui = {
    who: byId('who'),
    status: byId('status'),
    announcer: byId('announcer'),
    problem: byId('problem'),
    pending: byId('pending'),
    pendingText: byId('pending-text'),
    showLatest: byId('show-latest'),
    card: byId('card'),
    empty: byId('empty'),
    emptyLocalHint: byId('empty-local-hint'),
    switchIdentity: byId('switch-identity'),
    views: byId('views'),
    showCard: byId('show-card'),
    showWallboard: byId('show-wallboard'),
    wallboard: byId('wallboard'),
  };
  const teams = await connectToTeams();
  // Outside Teams: ?theme=dark|contrast|default, else the browser's own preference.
  const asked = new URLSearchParams(window.location.search).get('theme');
  const prefersDark = window.matchMedia('(prefers-color-scheme: dark)');
  const theme = teams?.theme ?? themeOf(asked ?? (prefersDark.matches ? 'dark' : 'default'));
  const tab = new CustomerCardTab(ui, theme);
  tab.setTheme(theme);
  if (teams) teams.onThemeChange((t) => tab.setTheme(t));
  else if (!asked) prefersDark.addEventListener('change', (e) => tab.setTheme(e.matches ? 'dark' : 'default'));

  const report = (error: unknown): void => {
    tab.status('Not showing a card.');
    tab.setProblem(error instanceof ApiError ? error.reason : 'The tab could not start. Reload it to try again.');
  };

  const mode = await TabApi.identityMode();
  if (mode === 'sso') {
    if (!teams) {
      tab.status('Not signed in.');
      tab.setProblem('Open this tab in Microsoft Teams: it signs you in with your Teams account.');
      return;
    }
    await tab.start({ kind: 'sso', token: () => teams.token() }, (name) => (name ? `Signed in as ${name}` : 'Signed in')).catch(report);
    return;
  }

  ui.emptyLocalHint.hidden = false;
  const choose = async (useRemembered: boolean): Promise<void> => {
    tab.stop();
    tab.setProblem(undefined);
    ui.switchIdentity.hidden = true;
    ui.card.hidden = true;
    ui.empty.hidden = true;
    ui.who.textContent = '';
    tab.status("Choose a local identity to see that agent's Customer Card.");
    const picked = await showLocalIdentityPicker({ useRemembered });
    ui.switchIdentity.hidden = false;
    await tab.start({ kind: 'local', agentId: picked.id }, (name) => `Local identity (not signed in): ${name ?? picked.name ?? picked.id}`).catch(report);
  };
  ui.switchIdentity.addEventListener('click', () => void choose(false));
  await choose(true);
}

main().catch((error: unknown) => {
  const problem = document.getElementById('problem');
  if (problem) {
    problem.textContent = `The tab could not start: ${error instanceof Error ? error.message : String(error)}. Reload it to try again.`;
    problem.hidden = false;
  }
});
