// The PNG encoder the app icons are made with (node:zlib, no dependency): one encoder in the repository.
import { encodePng } from './png.js';

/** One bar of the picture: its whole height, the part drawn dark, and whether an hour starts with it. */
export interface ChartBar {
  total: number;
  /** The part of `total` drawn in the dark colour (contacts answered, of those offered). */
  dark: number;
  /** A tick under the bar: an hour starts here ('hour'), or six hours do ('quarterDay'). */
  tick?: 'hour' | 'quarterDay';
  /** Digits written under the tick ("06" for 06:00). */
  label?: string;
}

type Rgba = readonly [number, number, number, number];
const BACKGROUND: Rgba = [255, 255, 255, 255];
const DARK: Rgba = [70, 79, 235, 255];
const LIGHT: Rgba = [232, 160, 48, 255];
const AXIS: Rgba = [150, 150, 150, 255];
const GRID: Rgba = [225, 225, 225, 255];

const BAR_WIDTH = 4;
const GAP = 1;
const PAD = 6;
const PLOT_HEIGHT = 96;
const TICK_ROOM = 8;
/** Digits are drawn from a 3 × 5 pixel font, each pixel 2 × 2. */
const FONT_SCALE = 2;
const DIGIT_WIDTH = 4 * FONT_SCALE;
const LABEL_ROOM = 5 * FONT_SCALE + 2;
/** Room left of the bars for the scale's three digits. */
const PLOT_LEFT = PAD + 3 * DIGIT_WIDTH + 4;
const DIGITS = [
  '111101101101111',
  '010110010010111',
  '111001111100111',
  '111001111001111',
  '101101111001001',
  '111100111001111',
  '111100111101111',
  '111001001001001',
  '111101111101111',
  '111101111001111',
];

/**
 * A bar chart as a PNG, for hosts that do not draw Teams' chart elements (our tab's renderer, older clients):
 * one bar per interval, its answered part dark and the rest light, hour ticks under the axis with the hours
 * written under every sixth, and the tallest bar's value as the scale. The card's image altText and the table
 * beside it say the numbers. About 1.5 KB for a day.
 */
export function barChartPng(bars: readonly ChartBar[]): Buffer {
  const width = PLOT_LEFT + Math.max(1, bars.length) * (BAR_WIDTH + GAP) + PAD;
  const height = PAD + PLOT_HEIGHT + 1 + TICK_ROOM + LABEL_ROOM;
  const rgba = new Uint8Array(width * height * 4);
  // One 32-bit word per pixel, so a run of a row is one fill (the colour's bytes in the platform's own order).
  const pixels = new Uint32Array(rgba.buffer);
  const fill = (x0: number, y0: number, w: number, h: number, color: Rgba): void => {
    const word = new Uint32Array(Uint8Array.from(color).buffer)[0]!;
    const [left, right] = [Math.max(0, x0), Math.min(width, x0 + w)];
    for (let y = Math.max(0, y0); y < Math.min(height, y0 + h); y++) pixels.fill(word, y * width + left, y * width + right);
  };
  // Digits only: the picture's text (hours, the scale) needs no more, and no font file.
  const write = (digits: string, x0: number, y0: number): void =>
    [...digits].forEach((digit, n) =>
      [...(DIGITS[Number(digit)] ?? '')].forEach((on, bit) => {
        if (on === '1') fill(x0 + n * DIGIT_WIDTH + (bit % 3) * FONT_SCALE, y0 + Math.floor(bit / 3) * FONT_SCALE, FONT_SCALE, FONT_SCALE, AXIS);
      }),
    );
  fill(0, 0, width, height, BACKGROUND);
  const baseline = PAD + PLOT_HEIGHT;
  const max = Math.max(1, ...bars.map((b) => b.total));
  const scaled = (value: number) => (value <= 0 ? 0 : Math.max(1, Math.round((value / max) * PLOT_HEIGHT)));
  // The scale: the tallest bar's value in the left margin, a faint line at its height.
  if (bars.some((b) => b.total > 0)) {
    fill(PLOT_LEFT, PAD, width - PLOT_LEFT - PAD, 1, GRID);
    const scale = String(Math.min(max, 999));
    write(scale, PLOT_LEFT - 3 - scale.length * DIGIT_WIDTH, PAD);
  }
  bars.forEach((bar, i) => {
    const x = PLOT_LEFT + i * (BAR_WIDTH + GAP);
    const total = scaled(bar.total);
    const dark = Math.min(total, scaled(Math.min(bar.dark, bar.total)));
    fill(x, baseline - total, BAR_WIDTH, total - dark, LIGHT);
    fill(x, baseline - dark, BAR_WIDTH, dark, DARK);
    if (bar.tick) fill(x, baseline + 1, 1, bar.tick === 'quarterDay' ? TICK_ROOM : TICK_ROOM / 2, AXIS);
    if (bar.label && /^\d{1,3}$/.test(bar.label)) write(bar.label, x + 1 - Math.floor((bar.label.length * DIGIT_WIDTH) / 2), baseline + TICK_ROOM + 2);
  });
  fill(PLOT_LEFT - 1, baseline, width - PLOT_LEFT - PAD + 1, 1, AXIS);
  return encodePng({ width, height, rgba });
}

/** The picture as a data: URI, which an Adaptive Card Image takes as its url (schema 1.2 and later). */
export function pngDataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}
