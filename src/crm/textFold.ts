/**
 * Text as a person searches it: without regard to case or accents ("García" finds "Garcia" and back).
 * Letters are decomposed (NFD) and their combining marks dropped, then lower-cased.
 */
export function foldText(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** The folded words of a text (runs of letters and digits), each once, in order. */
export function foldedWords(value: string): string[] {
  return [
    ...new Set(
      foldText(value)
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean),
    ),
  ];
}
