/**
 * Teams' three themes (what `app.getContext()` gives as `app.theme`, and the theme change handler) and the
 * Adaptive Cards host config for each, so the card in the tab looks like the card in the chat: Segoe UI,
 * Teams' type ramp and spacing, and each theme's own colours. High contrast draws every colour at full
 * strength on black, with no "subtle" text.
 */
export type Theme = 'default' | 'dark' | 'contrast';

export function themeOf(value: string | null | undefined): Theme {
  return value === 'dark' || value === 'contrast' ? value : 'default';
}

interface Palette {
  background: string;
  emphasis: string;
  text: string;
  subtle: string;
  accent: string;
  good: string;
  warning: string;
  attention: string;
  /** Backgrounds of the accent, good, warning and attention container styles. */
  accentBackground: string;
  goodBackground: string;
  warningBackground: string;
  attentionBackground: string;
  separator: string;
}

export const PALETTES: Record<Theme, Palette> = {
  default: {
    background: '#FFFFFF',
    emphasis: '#F5F5F5',
    text: '#242424',
    subtle: '#616161',
    accent: '#4F52B2',
    good: '#0E700E',
    warning: '#835B00',
    attention: '#B10E1C',
    accentBackground: '#E8EBFA',
    goodBackground: '#F1FAF1',
    warningBackground: '#FFF9EB',
    attentionBackground: '#FDF3F4',
    separator: '#E0E0E0',
  },
  dark: {
    background: '#292929',
    emphasis: '#1F1F1F',
    text: '#FFFFFF',
    subtle: '#ADADAD',
    accent: '#9EA2FF',
    good: '#54B054',
    warning: '#F2C661',
    attention: '#F1707B',
    accentBackground: '#2F2F4A',
    goodBackground: '#0D260D',
    warningBackground: '#3D2F0A',
    attentionBackground: '#3F1011',
    separator: '#3D3D3D',
  },
  contrast: {
    background: '#000000',
    emphasis: '#000000',
    text: '#FFFFFF',
    subtle: '#FFFFFF',
    accent: '#1AEBFF',
    good: '#3FF23F',
    warning: '#FFFF01',
    attention: '#FF8080',
    accentBackground: '#000000',
    goodBackground: '#000000',
    warningBackground: '#000000',
    attentionBackground: '#000000',
    separator: '#FFFFFF',
  },
};

const FONT = "'Segoe UI', 'Segoe UI Web (West European)', -apple-system, BlinkMacSystemFont, Roboto, 'Helvetica Neue', sans-serif";

function foregrounds(p: Palette, onColour: boolean) {
  const pair = (colour: string) => ({ default: colour, subtle: colour });
  return {
    default: { default: p.text, subtle: onColour ? p.text : p.subtle },
    dark: pair(p.text),
    light: pair(p.background),
    accent: pair(p.accent),
    good: pair(p.good),
    warning: pair(p.warning),
    attention: pair(p.attention),
  };
}

/** The host config (JSON) for a theme: hand it to `new HostConfig(...)`. */
export function hostConfigJson(theme: Theme): Record<string, unknown> {
  const p = PALETTES[theme];
  const style = (backgroundColor: string, onColour = false) => ({ backgroundColor, foregroundColors: foregrounds(p, onColour) });
  return {
    supportsInteractivity: true,
    fontFamily: FONT,
    spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
    separator: { lineThickness: 1, lineColor: p.separator },
    fontSizes: { small: 12, default: 14, medium: 16, large: 18, extraLarge: 24 },
    fontWeights: { lighter: 300, default: 400, bolder: 600 },
    lineHeights: { small: 16, default: 20, medium: 22, large: 24, extraLarge: 32 },
    imageSizes: { small: 32, medium: 52, large: 100 },
    containerStyles: {
      default: style(p.background),
      emphasis: style(p.emphasis),
      accent: style(p.accentBackground, true),
      good: style(p.goodBackground, true),
      warning: style(p.warningBackground, true),
      attention: style(p.attentionBackground, true),
    },
    actions: {
      maxActions: 6,
      spacing: 'Default',
      buttonSpacing: 8,
      showCard: { actionMode: 'Inline', inlineTopMargin: 12, style: 'emphasis' },
      actionsOrientation: 'Horizontal',
      actionAlignment: 'Left',
      iconPlacement: 'LeftOfTitle',
    },
    adaptiveCard: { allowCustomStyle: true },
    // Headings are exposed with a level (cardAccessibility.ts makes the card's first one 2, the others 3).
    textBlock: { headingLevel: 2 },
    factSet: {
      title: { size: 'Default', color: 'Default', isSubtle: false, weight: 'Bolder', wrap: true, maxWidth: 180 },
      value: { size: 'Default', color: 'Default', isSubtle: false, weight: 'Default', wrap: true },
      spacing: 12,
    },
    inputs: { label: { inputSpacing: 'Small', requiredInputs: { suffix: ' *' }, optionalInputs: {} }, errorMessage: { size: 'Small', weight: 'Default' } },
  };
}
