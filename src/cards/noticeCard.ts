import { card, container, text, type Element } from './elements.js';

const WORDS = { info: 'Note', warning: 'Refused', error: 'Problem' } as const;
const COLORS = { info: 'Default', warning: 'Warning', error: 'Attention' } as const;
const STYLES = { info: 'emphasis', warning: 'warning', error: 'attention' } as const;

/** A one-message card for an answer that has no Customer Card of its own to show (someone else's, say). */
export function noticeCard(message: string, kind: 'info' | 'warning' | 'error' = 'warning'): Element {
  return card([container([text(`**${WORDS[kind]}:** ${message}`, { color: COLORS[kind] })], { style: STYLES[kind] })]);
}
