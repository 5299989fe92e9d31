import type { TabApi } from './tabApi.js';
import { Wallboard } from './wallboard.js';

export interface SupervisorViewsUi {
  views: HTMLElement;
  showCard: HTMLButtonElement;
  showWallboard: HTMLButtonElement;
  wallboard: HTMLElement;
}

/**
 * A supervisor's two views of the tab: the Customer Card and the wallboard (#wallboard opens on it). Anyone
 * else is offered neither button, and never sees a trace of the wallboard.
 */
export class SupervisorViews {
  private readonly wallboard: Wallboard;
  private api: TabApi | undefined;

  constructor(private readonly ui: SupervisorViewsUi) {
    this.wallboard = new Wallboard(ui.wallboard);
    ui.showWallboard.addEventListener('click', () => this.openWallboard());
    ui.showCard.addEventListener('click', () => this.leaveWallboard());
  }

  /** Offers the wallboard to a supervisor (with this identity's api), or takes it away (undefined). */
  offer(api: TabApi | undefined): void {
    this.api = api;
    this.ui.views.hidden = !api;
    if (!api) this.leaveWallboard();
    else if (window.location.hash === '#wallboard') this.openWallboard();
  }

  private openWallboard(): void {
    if (!this.api) return;
    document.body.classList.add('on-wallboard');
    this.ui.wallboard.hidden = false;
    this.ui.showWallboard.setAttribute('aria-pressed', 'true');
    this.ui.showCard.setAttribute('aria-pressed', 'false');
    this.wallboard.start(this.api);
    window.history.replaceState(null, '', '#wallboard');
  }

  private leaveWallboard(): void {
    const wasOpen = !this.ui.wallboard.hidden;
    this.wallboard.stop();
    document.body.classList.remove('on-wallboard');
    this.ui.wallboard.hidden = true;
    this.ui.showWallboard.setAttribute('aria-pressed', 'false');
    this.ui.showCard.setAttribute('aria-pressed', 'true');
    if (wasOpen) window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
}
