import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BANNER_LABELS, banner, type BannerKind } from '../../src/cards/banner.js';
import { customerCard } from '../../src/cards/customerCard.js';
import { noticeCard } from '../../src/cards/noticeCard.js';
import { buildCustomerCardView, type Notice } from '../../src/domain/customerCard.js';
import type { Interaction } from '../../src/domain/interaction.js';
import { hostConfigJson, type Theme } from '../../tabs/src/themes.js';
import { contrast, over, parseHex as parse } from '../a11y/contrast.js';

/**
 * The status banners against every host config they are drawn in, by WCAG 2.1 contrast (1.4.3: 4.5:1 for
 * text). Teams' configs are kept in test/cards/hostConfigs/, each naming its source (repository, path and
 * commit) in its `source`; Teams publishes light and dark only (MicrosoftDocs/msteams-docs#3230), so the Adaptive
 * Cards visualizer's two high-contrast configs and the tab's own contrast theme stand for high contrast.
 */

interface ContainerStyle {
  backgroundColor?: string;
  foregroundColors: Record<string, { default: string; subtle: string }>;
}
interface HostConfig {
  containerStyles: Record<string, ContainerStyle>;
}

const FIXTURES = new URL('./hostConfigs/', import.meta.url);
const TEAMS_AND_HIGH_CONTRAST: Record<string, HostConfig> = Object.fromEntries(
  readdirSync(FIXTURES)
    .filter((file) => file.endsWith('.json'))
    .map((file) => [file.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as HostConfig]),
);
const TAB_THEMES: Theme[] = ['default', 'dark', 'contrast'];
const HOST_CONFIGS: Record<string, HostConfig> = {
  ...TEAMS_AND_HIGH_CONTRAST,
  ...Object.fromEntries(TAB_THEMES.map((theme) => [`the tab's ${theme} theme`, hostConfigJson(theme) as unknown as HostConfig])),
};

/** The contrast a renderer gives a TextBlock in a container of `style`, as the Adaptive Cards renderers pick colours. */
function contrastIn(config: HostConfig, style: string, textBlock: { color?: string; isSubtle?: boolean }): number {
  const styles = config.containerStyles;
  const card = over(parse(styles.default!.backgroundColor ?? '#FFFFFF'), [255, 255, 255, 1]);
  const container = styles[style] ?? styles.default!;
  const background = container.backgroundColor ? over(parse(container.backgroundColor), card) : card;
  const colours = container.foregroundColors[(textBlock.color ?? 'Default').toLowerCase()] ?? container.foregroundColors.default!;
  return contrast(over(parse(textBlock.isSubtle ? colours.subtle : colours.default), background), background);
}

/** Every banner in a card: a container whose text opens with a bold label. */
function bannersOf(card: unknown): Array<{ style: string; text: { text: string; color?: string; isSubtle?: boolean } }> {
  const found: Array<{ style: string; text: { text: string; color?: string; isSubtle?: boolean } }> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const element = node as { type?: string; style?: string; items?: Array<{ type?: string; text?: string }> };
    const first = element.items?.[0];
    if (element.type === 'Container' && first?.type === 'TextBlock' && /^\*\*[A-Z][a-z]+:\*\* /.test(first.text ?? '')) {
      found.push({ style: element.style ?? 'default', text: first as { text: string } });
    }
    Object.values(node).forEach(walk);
  };
  walk(card);
  return found;
}

const KINDS: BannerKind[] = ['info', 'warning', 'error'];

/** The banners' text, one line each. */
const bannerText = (card: unknown): string =>
  bannersOf(card)
    .map((b) => b.text.text)
    .join('\n');

function cardWithNotice(notice: Notice): unknown {
  const interaction: Interaction = {
    id: '5f0c8f5e-8a4e-4a8e-9d6a-2d4f1d7c9a10',
    agentId: 'a1',
    channel: 'voice',
    ani: '+12065550142',
    state: 'active',
    configurationId: 'demo',
    matchState: 'none',
    startedAt: '2026-11-22T10:00:00.000Z',
    endedAt: null,
    completedAt: null,
    disposition: null,
    notes: null,
    customerId: null,
  };
  const can = { createContact: true, createCase: true, createCustom: true, update: true, search: true };
  return customerCard(
    buildCustomerCardView({
      interaction,
      owner: { name: 'Ana Agent', teamsUserId: '29:ana' },
      links: [],
      mappings: {},
      dispositions: ['Resolved'],
      can,
      now: new Date('2026-11-22T10:10:00.000Z'),
      notice,
    }),
  );
}

describe('status banners', () => {
  it('the contrast computed here is what the issue measured for the former banners (coloured text on its own tint)', () => {
    const light = HOST_CONFIGS['microsoft-teams-light']!;
    const dark = HOST_CONFIGS['microsoft-teams-dark']!;
    expect(contrastIn(light, 'warning', { color: 'Warning' })).toBeCloseTo(1.18, 2);
    expect(contrastIn(light, 'good', { color: 'Good' })).toBeCloseTo(1.85, 2);
    expect(contrastIn(light, 'attention', { color: 'Attention' })).toBeCloseTo(3.57, 2);
    expect(contrastIn(dark, 'attention', { color: 'Attention' })).toBeCloseTo(2.84, 2);
    expect(contrast(parse('#000000'), parse('#FFFFFF'))).toBeCloseTo(21, 5);
  });

  it("has every host config it is checked against: Teams light and dark, two high-contrast ones, the tab's three themes", () => {
    expect(Object.keys(HOST_CONFIGS).sort()).toEqual([
      'adaptivecards-high-contrast-aquatic',
      'adaptivecards-high-contrast-desert',
      'microsoft-teams-dark',
      'microsoft-teams-light',
      "the tab's contrast theme",
      "the tab's dark theme",
      "the tab's default theme",
    ]);
    for (const file of Object.keys(TEAMS_AND_HIGH_CONTRAST))
      expect((TEAMS_AND_HIGH_CONTRAST[file] as unknown as { source: string }).source).toMatch(/^containerStyles of microsoft\/AdaptiveCards \S+\.json at commit [0-9a-f]{40} /);
  });

  for (const [name, config] of Object.entries(HOST_CONFIGS)) {
    it(`reaches 4.5:1 in ${name}, on the Customer Card and on a notice card`, () => {
      const banners = KINDS.flatMap((kind) => [...bannersOf(cardWithNotice({ kind, text: `A ${kind} notice.` })), ...bannersOf(noticeCard(`A ${kind} notice.`, kind))]);
      expect(banners).toHaveLength(KINDS.length * 2);
      for (const { style, text } of banners) {
        const ratio = contrastIn(config, style, text);
        expect(ratio, `${text.text} (style ${style}, colour ${text.color ?? 'Default'}) in ${name}: ${ratio.toFixed(2)}:1`).toBeGreaterThanOrEqual(4.5);
      }
    });
  }

  it('opens with a word that fits its kind: a note is never "Done", a refusal says so', () => {
    expect(BANNER_LABELS).toEqual({ info: 'Note', warning: 'Attention', error: 'Problem' });
    expect(bannerText(cardWithNotice({ kind: 'info', text: 'No record matches +1 206 555 0142.' }))).toMatch(/\*\*Note:\*\* No record matches \+1 206 555 0142\./);
    expect(bannerText(cardWithNotice({ kind: 'warning', text: 'Several matches: choose.' }))).toMatch(/\*\*Attention:\*\* Several matches: choose\./);
    expect(bannerText(cardWithNotice({ kind: 'error', text: 'The CRM is down.' }))).toMatch(/\*\*Problem:\*\* The CRM is down\./);
    expect(bannerText(noticeCard('Working: saving… This card updates itself when it is done.', 'info'))).toMatch(/^\*\*Note:\*\* Working: saving…/);
    expect(bannerText(noticeCard('That card belongs to another agent.', 'warning'))).toMatch(/^\*\*Refused:\*\* That card/);
    expect(bannerText(noticeCard('Something broke.', 'error'))).toMatch(/^\*\*Problem:\*\* Something broke\./);
    expect(bannerText(noticeCard('x', 'info'))).not.toMatch(/Done/);
  });

  it('tells its kind by its tint as well as its word', () => {
    expect(KINDS.map((kind) => (banner(kind, 'x') as { style: string }).style)).toEqual(['accent', 'warning', 'attention']);
  });
});
