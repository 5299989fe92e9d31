import type { TabApi, TabView } from './tabApi.js';

export type LiveState = { kind: 'connecting' } | { kind: 'live' } | { kind: 'retrying'; inSeconds: number; why: string } | { kind: 'refused'; why: string };

/** Silence longer than this (the server sends a keep-alive every 15 s) means the connection is dead. */
const SILENCE_MS = 45_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * Follows the card as it changes: server-sent events from /api/tab/events, read with fetch so that the
 * request can carry the SSO token (EventSource cannot send headers). Reconnects with backoff, with a fresh
 * token each time; the server ends a stream when its token expires. Each connection starts with the
 * current card, so nothing is missed while disconnected.
 */
export function followCard(api: TabApi, onView: (view: TabView) => void, onState: (state: LiveState) => void): { stop(): void } {
  return followEvents(api, { path: '/api/tab/events', event: 'card' }, (data) => onView(JSON.parse(data) as TabView), onState);
}

/** Follows one server-sent events route of the tab (the card's, the wallboard's): each `event` as it comes, reconnecting as followCard says. */
export function followEvents(api: TabApi, route: { path: string; event: string }, onData: (data: string) => void, onState: (state: LiveState) => void): { stop(): void } {
  let stopped = false;
  let current: AbortController | undefined;
  let retryTimer: number | undefined;
  let failures = 0;

  const connect = async (): Promise<void> => {
    if (stopped) return;
    onState({ kind: 'connecting' });
    const abort = (current = new AbortController());
    let watchdog: number | undefined;
    const feed = () => {
      window.clearTimeout(watchdog);
      watchdog = window.setTimeout(() => abort.abort(), SILENCE_MS);
    };
    let why = 'the connection ended';
    try {
      const response = await window.fetch(route.path, { headers: await api.headers(), signal: abort.signal, cache: 'no-store' });
      if (response.status === 401 || response.status === 403) {
        const body = (await response.json().catch(() => ({}))) as { reason?: string };
        why = body.reason ?? 'not signed in';
        if (response.status === 403 || failures >= 2) {
          onState({ kind: 'refused', why });
          return;
        }
      } else if (!response.ok || !response.body) {
        why = `the server answered ${response.status}`;
      } else {
        feed();
        onState({ kind: 'live' });
        failures = 0;
        await readEvents(response.body, (event, data) => {
          feed();
          if (event === route.event && data) onData(data);
        });
      }
    } catch {
      why = abort.signal.aborted && !stopped ? 'no word from the server for a while' : 'the server could not be reached';
    } finally {
      window.clearTimeout(watchdog);
    }
    if (stopped) return;
    failures++;
    const delay = Math.min(MAX_BACKOFF_MS, failures === 1 ? 500 : 1000 * 2 ** Math.min(failures - 2, 5));
    onState({ kind: 'retrying', inSeconds: Math.ceil(delay / 1000), why });
    retryTimer = window.setTimeout(() => void connect(), delay);
  };

  void connect();
  return {
    stop() {
      stopped = true;
      window.clearTimeout(retryTimer);
      current?.abort();
    },
  };
}

/** Reads a text/event-stream body, calling `onEvent` for each event and for each comment (keep-alive). */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: string, data: string | undefined) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      onEvent(data.length || event !== 'message' ? event : 'comment', data.length ? data.join('\n') : undefined);
    }
  }
}
