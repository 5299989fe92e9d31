/** WCAG 2.1 contrast, for colours from host configs (#RRGGBB, #AARRGGBB) and from CSS (rgb(), rgba()). */
export type Rgba = [number, number, number, number];

/** Adaptive Cards colours: #RRGGBB, or #AARRGGBB with the alpha first. */
export function parseHex(colour: string): Rgba {
  const hex = colour.replace(/^#/, '');
  if (!/^([0-9a-f]{6}|[0-9a-f]{8})$/i.test(hex)) throw new Error(`not a colour: ${colour}`);
  const byte = (i: number) => parseInt(hex.slice(i, i + 2), 16);
  return hex.length === 8 ? [byte(2), byte(4), byte(6), byte(0) / 255] : [byte(0), byte(2), byte(4), 1];
}

/** A computed CSS colour: rgb(r, g, b) or rgba(r, g, b, a). */
export function parseCss(colour: string): Rgba {
  const parts = /^rgba?\(([^)]+)\)$/
    .exec(colour.trim())?.[1]
    ?.split(/[\s,/]+/)
    .filter(Boolean)
    .map(Number);
  if (!parts || parts.length < 3 || parts.some(Number.isNaN)) throw new Error(`not a colour: ${colour}`);
  return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
}

/** `top` painted over the opaque `under`. */
export const over = ([r, g, b, a]: Rgba, under: Rgba): Rgba => [r * a + under[0] * (1 - a), g * a + under[1] * (1 - a), b * a + under[2] * (1 - a), 1];

/** WCAG 2.1 relative luminance. */
export function luminance([r, g, b]: Rgba): number {
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** WCAG 2.1 contrast ratio of two opaque colours. */
export function contrast(one: Rgba, other: Rgba): number {
  const [a, b] = [luminance(one), luminance(other)].sort((x, y) => y - x);
  return (a! + 0.05) / (b! + 0.05);
}
