/**
 * Teams' rules for the two app icons: color 192×192 PNG (full colour); outline 32×32 PNG that is
 * white on a transparent background (every pixel either fully transparent or white, with some alpha).
 */
import { decodePng, readPngInfo } from '../../src/cards/png.js';

export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;

/** Problems with the color icon, as sentences; empty when it is fine. */
export function checkColorIcon(png: Uint8Array, name = 'color icon'): string[] {
  let info;
  try {
    info = readPngInfo(png);
  } catch (e) {
    return [`${name}: ${(e as Error).message}`];
  }
  if (info.width !== COLOR_ICON_SIZE || info.height !== COLOR_ICON_SIZE) {
    return [`${name}: must be ${COLOR_ICON_SIZE}×${COLOR_ICON_SIZE} pixels, is ${info.width}×${info.height}`];
  }
  return [];
}

/** Problems with the outline icon, as sentences; empty when it is fine. */
export function checkOutlineIcon(png: Uint8Array, name = 'outline icon'): string[] {
  let image;
  try {
    image = decodePng(png);
  } catch (e) {
    return [`${name}: ${(e as Error).message}`];
  }
  const { width, height, rgba, info } = image;
  const problems: string[] = [];
  if (width !== OUTLINE_ICON_SIZE || height !== OUTLINE_ICON_SIZE) {
    problems.push(`${name}: must be ${OUTLINE_ICON_SIZE}×${OUTLINE_ICON_SIZE} pixels, is ${width}×${height}`);
  }
  if (!info.hasAlpha) {
    problems.push(`${name}: must have a transparent background, but the PNG has no alpha channel`);
    return problems;
  }
  let transparent = 0;
  let visible = 0;
  let notWhite = 0;
  let firstNotWhite: string | undefined;
  for (let i = 0; i < width * height; i++) {
    const r = rgba[i * 4] ?? 0;
    const g = rgba[i * 4 + 1] ?? 0;
    const b = rgba[i * 4 + 2] ?? 0;
    const a = rgba[i * 4 + 3] ?? 0;
    if (a === 0) {
      transparent++;
      continue;
    }
    visible++;
    if (r !== 255 || g !== 255 || b !== 255) {
      notWhite++;
      firstNotWhite ??= `(${i % width}, ${Math.floor(i / width)}) is rgba(${r}, ${g}, ${b}, ${a})`;
    }
  }
  if (transparent === 0) problems.push(`${name}: must have a transparent background, but no pixel is transparent`);
  if (visible === 0) problems.push(`${name}: is fully transparent (nothing to see)`);
  if (notWhite > 0) {
    problems.push(`${name}: may only use white and transparency; ${notWhite} visible pixel(s) are not white, e.g. ${firstNotWhite}`);
  }
  return problems;
}
