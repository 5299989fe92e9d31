/**
 * The start of a text, at most `max` characters, on one line: what may be quoted back to a person or kept
 * in a log line when the text is someone's input. A text cut short ends with "…" (within the `max`).
 * Only the start is read, so a text of any length costs the same.
 */
export function excerpt(text: string, max: number): string {
  const head = text.slice(0, max + 1).replace(/\s+/g, ' ');
  if (head.length <= max && text.length <= max) return head;
  let cut = head.slice(0, Math.max(0, max - 1));
  // Never half of a surrogate pair (an emoji, say).
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
