import { card, container, text, type Element } from './elements.js';

/** A one-message card for a refused action that has no card of its own to show (someone else's, say). */
export function noticeCard(message: string, kind: 'warning' | 'error' = 'warning'): Element {
  return card([container([text(`**${kind === 'error' ? 'Problem' : 'Refused'}:** ${message}`, { color: kind === 'error' ? 'Attention' : 'Warning' })], { style: kind === 'error' ? 'attention' : 'warning' })]);
}
