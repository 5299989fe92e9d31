import { container, text } from './elements.js';
import type { Container } from './schema/adaptiveCard.js';
import type { ContainerStyle } from './schema/vocabulary.js';

/** What a banner tells: a plain note, something to look at before going on, or something that went wrong. */
export type BannerKind = 'info' | 'warning' | 'error';

/**
 * The word a banner opens with, from its kind alone. `info` covers outcomes ("Saved …"), progress ("Working: …")
 * and plain facts ("No record matches …") alike, so it is a Note, never "Done".
 */
export const BANNER_LABELS: Record<BannerKind, string> = { info: 'Note', warning: 'Attention', error: 'Problem' };

/** The container style that tints the banner; the label says the kind in words, so colour is never the only sign. */
const STYLES: Record<BannerKind, ContainerStyle> = { info: 'accent', warning: 'warning', error: 'attention' };

/**
 * A status banner: `**Label:** text` in a tinted container. The text keeps the host's default colour for that
 * container style, which every host config pairs with the style's background (Teams' light, dark and the tab's
 * themes: test/cards/bannerContrast.test.ts); the style's own colour as text on its own tint does not
 * ("Warning" on the warning style is 1.18:1 in Teams' light theme). `markdown` is already escaped by the caller.
 */
export function banner(kind: BannerKind, markdown: string, label: string = BANNER_LABELS[kind]): Container {
  return container([text(`**${label}:** ${markdown}`)], { style: STYLES[kind] });
}
