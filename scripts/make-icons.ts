/**
 * npx tsx scripts/make-icons.ts
 *
 * Draws the two Teams app icons (a customer card: a person and two lines of text) and writes
 * appPackage/color.png (192×192, opaque, full colour) and appPackage/outline.png (32×32, white on
 * transparent). Shapes are signed-distance functions, sampled 8×8 per pixel for smooth edges.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePng, type RgbaImage } from '../src/cards/png.js';
import { checkColorIcon, checkOutlineIcon, COLOR_ICON_SIZE, OUTLINE_ICON_SIZE } from './appPackage/icons.js';

/** Signed distance from (x, y) to a shape: negative inside. */
type Shape = (x: number, y: number) => number;
type Rgb = readonly [number, number, number];

const roundedRect =
  (cx: number, cy: number, halfW: number, halfH: number, r: number): Shape =>
  (x, y) => {
    const qx = Math.abs(x - cx) - (halfW - r);
    const qy = Math.abs(y - cy) - (halfH - r);
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
  };
const circle =
  (cx: number, cy: number, r: number): Shape =>
  (x, y) =>
    Math.hypot(x - cx, y - cy) - r;
/** The band of width w centred on the shape's edge. */
const stroke =
  (shape: Shape, w: number): Shape =>
  (x, y) =>
    Math.abs(shape(x, y)) - w / 2;
const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    Math.min(...shapes.map((s) => s(x, y)));

const SAMPLES = 8;

/** Fraction of the pixel (px, py) covered by the shape. */
function coverage(shape: Shape, px: number, py: number): number {
  let inside = 0;
  for (let i = 0; i < SAMPLES; i++) {
    for (let j = 0; j < SAMPLES; j++) {
      if (shape(px + (i + 0.5) / SAMPLES, py + (j + 0.5) / SAMPLES) <= 0) inside++;
    }
  }
  return inside / (SAMPLES * SAMPLES);
}

/** Paints layers, back to front, over a background (undefined: transparent). */
function render(size: number, background: Rgb | undefined, layers: ReadonlyArray<[Shape, Rgb]>): RgbaImage {
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let [r, g, b] = background ?? [255, 255, 255];
      let a = background ? 1 : 0;
      for (const [shape, [lr, lg, lb]] of layers) {
        const c = coverage(shape, x, y);
        if (c === 0) continue;
        // "over" compositing with straight (non-premultiplied) alpha
        const outA = c + a * (1 - c);
        r = (lr * c + r * a * (1 - c)) / outA;
        g = (lg * c + g * a * (1 - c)) / outA;
        b = (lb * c + b * a * (1 - c)) / outA;
        a = outA;
      }
      rgba.set([Math.round(r), Math.round(g), Math.round(b), Math.round(a * 255)], (y * size + x) * 4);
    }
  }
  return { width: size, height: size, rgba };
}

const BRAND: Rgb = [0x1a, 0x5f, 0xb4]; // also the manifest's accentColor
const WHITE: Rgb = [255, 255, 255];

/** 192×192: a white card on the brand colour, with a person and two text lines in the brand colour. */
export function drawColorIcon(): RgbaImage {
  const s = COLOR_ICON_SIZE;
  return render(s, BRAND, [
    [roundedRect(96, 96, 70, 50, 14), WHITE],
    [circle(62, 82, 13), BRAND],
    [roundedRect(62, 118, 22, 12, 12), BRAND],
    [roundedRect(120, 82, 30, 6, 6), BRAND],
    [roundedRect(112, 108, 22, 6, 6), BRAND],
  ]);
}

/** 32×32: the same card as a white outline on transparency. */
export function drawOutlineIcon(): RgbaImage {
  const s = OUTLINE_ICON_SIZE;
  return render(s, undefined, [
    [union(stroke(roundedRect(16, 16, 14, 10.5, 3), 2), circle(10.5, 13.5, 2.6), roundedRect(10.5, 20, 4.2, 2, 2), roundedRect(21.5, 13, 5, 1.1, 1.1), roundedRect(20, 18.5, 3.5, 1.1, 1.1)), WHITE],
  ]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'appPackage');
  const color = encodePng(drawColorIcon());
  const outline = encodePng(drawOutlineIcon());
  const problems = [...checkColorIcon(color), ...checkOutlineIcon(outline)];
  if (problems.length > 0) {
    for (const p of problems) console.error(`  - ${p}`);
    process.exit(1);
  }
  writeFileSync(path.join(appDir, 'color.png'), color);
  writeFileSync(path.join(appDir, 'outline.png'), outline);
  console.log(`Wrote appPackage/color.png (${color.length} bytes) and appPackage/outline.png (${outline.length} bytes)`);
}
