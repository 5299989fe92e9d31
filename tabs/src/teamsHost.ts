import { themeOf, type Theme } from './themes.js';

/** What the tab learns from Teams when it runs inside it. */
export interface TeamsHost {
  theme: Theme;
  onThemeChange(handler: (theme: Theme) => void): void;
  /** A Teams SSO token for the tab's Entra app (Teams caches and renews it). */
  token(): Promise<string>;
}

const INITIALIZE_TIMEOUT_MS = 5000;

/**
 * Connects to the Teams client when the page is hosted by one (an iframe, or a mobile web view); resolves
 * to undefined in a plain browser, where there is no Teams to ask.
 */
export async function connectToTeams(): Promise<TeamsHost | undefined> {
  const hosted = window.parent !== window || !!window.opener || 'nativeInterface' in window;
  if (!hosted) return undefined;
  try {
    // Loaded only inside a host (see teamsSdk.ts).
    const { app, authentication } = await import('./teamsSdk.js');
    await withTimeout(app.initialize(), INITIALIZE_TIMEOUT_MS);
    const context = await withTimeout(app.getContext(), INITIALIZE_TIMEOUT_MS);
    // Only matters with showLoadingIndicator; never let it hold the tab up.
    app.notifySuccess().catch(() => undefined);
    return {
      theme: themeOf(context.app.theme),
      onThemeChange: (handler) => app.registerOnThemeChangeHandler((theme) => handler(themeOf(theme))),
      token: () => authentication.getAuthToken(),
    };
  } catch {
    // Framed by something that is not Teams (or Teams did not answer): behave as a plain page.
    return undefined;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Teams did not answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
