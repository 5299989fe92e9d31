import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { card } from '../../src/cards/elements.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { CardStreams, type CardStream } from '../../src/tab/cardStreams.js';
import { parseTabAction } from '../../src/tab/tabRequests.js';
import type { TabView } from '../../src/tab/tabViews.js';
import { markdownToHtml } from '../../tabs/src/markdown.js';
import { hostConfigJson, PALETTES, type Theme } from '../../tabs/src/themes.js';

describe("the tab's Markdown (what Teams draws in card text)", () => {
  it('draws bold, italic, links, lists and line breaks', () => {
    expect(markdownToHtml('Inbound call from **+1 206 555 0142**')).toBe('<p>Inbound call from <strong>+1 206 555 0142</strong></p>');
    expect(markdownToHtml('an _important_ note')).toBe('<p>an <em>important</em> note</p>');
    expect(markdownToHtml('see [the case](https://contoso.example/cases/1?a=1&b=2)')).toBe(
      '<p>see <a href="https://contoso.example/cases/1?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">the case</a></p>',
    );
    expect(markdownToHtml('- one\n- two')).toBe('<ul><li>one</li><li>two</li></ul>');
    expect(markdownToHtml('1. one\n2. two')).toBe('<ol><li>one</li><li>two</li></ol>');
    expect(markdownToHtml('line one\nline two\n\nnext')).toBe('<p>line one<br>line two</p><p>next</p>');
  });

  it('shows escaped CRM data as written, and never lets it become markup', () => {
    expect(markdownToHtml('**Contact** · Bob \\*the builder\\* O\\_Neil')).toBe('<p><strong>Contact</strong> · Bob *the builder* O_Neil</p>');
    expect(markdownToHtml('<img src=x onerror=alert(1)> & "quotes"')).toBe('<p>&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;</p>');
    expect(markdownToHtml('[click](javascript:alert(1))')).toBe('<p>[click](javascript:alert(1))</p>');
    expect(markdownToHtml('[x](https://a.example/"onmouseover="alert(1))')).not.toMatch(/" onmouseover|"onmouseover="/);
    expect(markdownToHtml('注文 **番号** 123')).toBe('<p>注文 <strong>番号</strong> 123</p>');
  });
});

describe("the tab's themes", () => {
  /** WCAG 2 contrast ratio of two #RRGGBB colours. */
  const contrast = (a: string, b: string) => {
    const luminance = (hex: string) => {
      const [r, g, b_] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b_!;
    };
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi! + 0.05) / (lo! + 0.05);
  };

  it.each(['default', 'dark', 'contrast'] as Theme[])('%s: every text colour is readable (WCAG AA, 4.5:1) where the card uses it', (theme) => {
    const p = PALETTES[theme];
    const pairs: Array<[string, string, string]> = [
      ['text on the card', p.text, p.background],
      ['text in emphasis', p.text, p.emphasis],
      ['subtle text', p.subtle, p.background],
      ['subtle text in emphasis', p.subtle, p.emphasis],
      ['accent text', p.accent, p.background],
      ['text in an accent container', p.text, p.accentBackground],
      ['a done notice', p.good, p.goodBackground],
      ['a note', p.warning, p.warningBackground],
      ['a problem', p.attention, p.attentionBackground],
      ['text in a warning container (ACW)', p.text, p.warningBackground],
    ];
    for (const [what, fg, bg] of pairs) expect(contrast(fg, bg), `${theme}: ${what} (${fg} on ${bg})`).toBeGreaterThanOrEqual(4.5);
  });

  it("gives the renderer a host config per theme with the theme's colours", () => {
    const dark = hostConfigJson('dark') as any;
    expect(dark.containerStyles.default.backgroundColor).toBe(PALETTES.dark.background);
    expect(dark.containerStyles.default.foregroundColors.default.default).toBe(PALETTES.dark.text);
    expect((hostConfigJson('contrast') as any).containerStyles.default.foregroundColors.default.subtle).toBe('#FFFFFF');
  });
});

describe("a tab action's request", () => {
  it('takes a Customer Card verb and its data', () => {
    expect(parseTabAction({ verb: 'customerCard.link', data: { interactionId: 'x' } })).toEqual({ ok: true, request: { verb: 'customerCard.link', data: { interactionId: 'x' } } });
    expect(parseTabAction({ verb: 'customerCard.show' })).toEqual({ ok: true, request: { verb: 'customerCard.show', data: {} } });
  });
  it('names what is wrong', () => {
    expect(parseTabAction({ verb: 'toString', data: {} })).toEqual({ ok: false, problem: 'verb: "toString" is not a Customer Card action' });
    expect(parseTabAction({ data: {} })).toEqual({ ok: false, problem: 'verb: Required' });
    expect(parseTabAction({ verb: 'customerCard.show', data: [1] })).toEqual({ ok: false, problem: 'data: Expected object, received array' });
    expect(parseTabAction(undefined)).toEqual({ ok: false, problem: 'verb: Required' });
  });
});

describe('live card streams', () => {
  // An empty card numbered n: the stream passes cards through, so the number tells which one arrived.
  const view = (interactionId: string, n: number): TabView => ({ view: 'card', interactionId, card: Object.assign(card([]), { n }) });
  const stream = (agentId: string, session?: string) => {
    const got: TabView[] = [];
    const s: CardStream & { got: TabView[] } = { agentId, session, got, closed: false, send: (v) => got.push(v), close: () => undefined };
    return s;
  };
  const settle = () => new Promise((r) => setTimeout(r, 30));

  it("sends each of the agent's tabs the current view, then every change, in order; other agents hear nothing", async () => {
    let n = 0;
    const streams = new CardStreams({
      currentView: async () => ({ view: 'empty', interactionId: null, card: null }),
      // A slow first change must not arrive after a quicker later one.
      changedView: async (_a, id) => {
        const mine = ++n;
        await new Promise((r) => setTimeout(r, mine === 1 ? 20 : 0));
        return view(id, mine);
      },
      logger: pino({ level: 'silent' }),
    });
    const ana = stream('ana');
    const bob = stream('bob');
    streams.add(ana);
    streams.add(bob);
    streams.changed({ agentId: 'ana', interactionId: 'i1' });
    await settle();
    streams.changed({ agentId: 'ana', interactionId: 'i2' });
    await settle();
    expect(ana.got.map((v) => (v.view === 'empty' ? 'empty' : `${v.interactionId}#${(v.card as any).n}`))).toEqual(['empty', 'i1#1', 'i2#2']);
    expect(bob.got.map((v) => v.view)).toEqual(['empty']);
  });

  it('holds back from a tab the changes made while its own action runs, then sends them once; its other tabs hear at once', async () => {
    let drawn = 0;
    const streams = new CardStreams({
      currentView: async () => ({ view: 'empty', interactionId: null, card: null }),
      changedView: async (_a, id) => view(id, ++drawn),
      logger: pino({ level: 'silent' }),
    });
    const clicking = stream('ana', 'session-clicking');
    const other = stream('ana', 'session-other-tab');
    streams.add(clicking);
    streams.add(other);
    await settle();
    let answerRevision = 0;
    await streams.whileActing('session-clicking', 'i1', async () => {
      answerRevision = streams.revision();
      streams.changed({ agentId: 'ana', interactionId: 'i1' }); // the action's own change
      streams.changed({ agentId: 'ana', interactionId: 'i1' }); // an ACW write finishing meanwhile
      await settle();
      expect(clicking.got.map((v) => v.view)).toEqual(['empty']);
    });
    await settle();
    // One view after the action, drawn after its answer: its revision says it is the newer.
    expect(clicking.got.map((v) => v.view)).toEqual(['empty', 'card']);
    expect(clicking.got[1]!.revision).toBeGreaterThan(answerRevision);
    // The other tab heard of both as they came (the second came while the first was drawn).
    expect(other.got.map((v) => v.view)).toEqual(['empty', 'card', 'card']);
    streams.changed({ agentId: 'ana', interactionId: 'i1' }); // later: another change
    await settle();
    expect(clicking.got).toHaveLength(3);
    expect(other.got).toHaveLength(4);
    const revisions = clicking.got.map((v) => v.revision!);
    expect([...revisions].sort((a, b) => a - b)).toEqual(revisions);
  });

  it('sends nothing after an action during which nothing changed', async () => {
    const streams = new CardStreams({
      currentView: async () => ({ view: 'empty', interactionId: null, card: null }),
      changedView: async (_a, id) => view(id, 1),
      logger: pino({ level: 'silent' }),
    });
    const clicking = stream('ana', 'session-clicking');
    streams.add(clicking);
    await settle();
    await streams.whileActing('session-clicking', 'i1', async () => settle());
    streams.changed({ agentId: 'ana', interactionId: 'i2' }); // another interaction: not held back
    await settle();
    expect(clicking.got.map((v) => v.interactionId)).toEqual([null, 'i2']);
  });
});

describe("the tab's configuration", () => {
  const base = { PORT: '0', LOG_LEVEL: 'silent' };
  const problem = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    return 'no error';
  };

  it('is the local identity picker without BOT_ID, and Teams SSO with it', () => {
    expect(loadConfig(base).tab).toEqual({ mode: 'local' });
    const sso = loadConfig({
      ...base,
      BOT_ID: '11111111-2222-3333-4444-555555555555',
      SECRET_BOT_PASSWORD: 'x',
      AAD_APP_CLIENT_ID: '0b1c2d3e-4f50-4617-a8b9-cadbecfd0e1f',
      AAD_APP_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      BOT_DOMAIN: 'cc.example.test',
    }).tab;
    expect(sso).toEqual({
      mode: 'sso',
      sso: {
        clientId: '0b1c2d3e-4f50-4617-a8b9-cadbecfd0e1f',
        tenantIds: ['72f988bf-86f1-41af-91ab-2d7cd011db47'],
        audiences: ['api://cc.example.test/0b1c2d3e-4f50-4617-a8b9-cadbecfd0e1f', '0b1c2d3e-4f50-4617-a8b9-cadbecfd0e1f'],
        keys: { kind: 'remote', url: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/discovery/v2.0/keys' },
      },
    });
    // BOT_ID without the tab's Entra app: the tab lets nobody in (and the start log says why).
    expect(loadConfig({ ...base, BOT_ID: '11111111-2222-3333-4444-555555555555', SECRET_BOT_PASSWORD: 'x' }).tab).toEqual({ mode: 'sso', sso: undefined });
    // Empty values (what provision leaves) count as not set.
    expect(loadConfig({ ...base, AAD_APP_CLIENT_ID: '', AAD_APP_TENANT_ID: '' }).onBehalfOf).toBeUndefined();
  });

  it('stops the start naming the variable when a value is wrong', () => {
    expect(problem({ AAD_APP_CLIENT_ID: 'my-app' })).toMatch(/^environment: AAD_APP_CLIENT_ID: must be a GUID/);
    expect(problem({ AAD_APP_CLIENT_ID: '0b1c2d3e-4f50-4617-a8b9-cadbecfd0e1f' })).toMatch(/AAD_APP_TENANT_ID: required when AAD_APP_CLIENT_ID is set/);
    expect(problem({ TAB_APP_ID_URI: 'https://cc.example.test' })).toMatch(/TAB_APP_ID_URI: must be an app ID URI/);
    expect(problem({ BOT_DOMAIN: 'https://cc.example.test' })).toMatch(/BOT_DOMAIN: must be a host name without https:\/\//);
    expect(problem({ TAB_ALLOWED_TENANT_IDS: '72f988bf-86f1-41af-91ab-2d7cd011db47,contoso' })).toMatch(/TAB_ALLOWED_TENANT_IDS\.1: must be a GUID/);
    expect(problem({ SECRET_AAD_APP_CLIENT_SECRET: 's' })).toMatch(/AAD_APP_CLIENT_ID: required when SECRET_AAD_APP_CLIENT_SECRET is set/);

    const sso = { AAD_APP_CLIENT_ID: '0b1c2d3e-4f50-4617-a8b9-cadbecfd0e1f', AAD_APP_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47' };
    const dir = mkdtempSync(join(tmpdir(), 'cc-jwks-'));
    expect(problem({ ...sso, TAB_JWKS_FILE: join(dir, 'missing.json') })).toMatch(/TAB_JWKS_FILE: cannot read .*missing\.json as JSON/);
    writeFileSync(join(dir, 'private.json'), JSON.stringify({ keys: [{ kty: 'RSA', n: 'x', e: 'AQAB', d: 'secret' }] }));
    expect(problem({ ...sso, TAB_JWKS_FILE: join(dir, 'private.json') })).toMatch(/TAB_JWKS_FILE: .*keys\.0: is a private key/);
    writeFileSync(join(dir, 'empty.json'), JSON.stringify({ keys: [] }));
    expect(problem({ ...sso, TAB_JWKS_FILE: join(dir, 'empty.json') })).toMatch(/keys: must hold at least one key/);
  });
});
