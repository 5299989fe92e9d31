import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type BotHarness, type TeamsUser } from '../support/botHarness.js';
import { browserAvailable } from '../support/browser.js';
import { SQLITE_STORE, type TestStore } from '../support/stores.js';
import { launchChromium, pickLocalIdentity } from '../tabs/tabPage.js';
import { axeViolations, type Violation } from './axe.js';
import { contrast, over, parseCss } from './contrast.js';

const THEMES = ['default', 'dark', 'contrast'] as const;
/** Each test walks Chromium through several states, each audited: on 2 shared cores that takes a while. */
const AUDIT_TIMEOUT = 90_000;

/**
 * The tab's Customer Card and Details audited with axe-core (WCAG 2.1 A and AA rules) in Teams' three themes,
 * in every state a person can bring them to: each section shown, each form opened, After Call Work. axe checks
 * what is rendered and visible, so each state is audited on its own.
 */
describe.skipIf(!browserAvailable(import.meta.url))('the tab audited with axe-core (WCAG 2.1 AA)', () => {
  let store: TestStore;
  let bot: BotHarness;
  let agent: TeamsUser;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    store = await SQLITE_STORE.open();
    [bot, browser] = await Promise.all([startBot(store), launchChromium()]);
    agent = bot.user('agent-1', 'Ana Agent');
    await agent.install();
    await bot.user('agent-2', 'Ben Agent').install(); // an agent with no call: the empty state
    // No fades: what axe measures is the card as it stays, not halfway through a transition.
    context = await browser.newContext({ viewport: { width: 760, height: 720 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(`${bot.url}/tabs/index.html`);
    await pickLocalIdentity(page, 'aad-agent-1'); // remembered by this browser for the pages below
    await page.close();
    await agent.sayText('available');
    await agent.sayForCard('call (206) 555-0142');
  });
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    await store?.dispose();
  });

  async function open(theme: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${bot.url}/tabs/index.html?theme=${theme}`);
    await page.locator('#card').getByText('Maria Garcia').first().waitFor();
    return page;
  }

  /** Audits the page in each state `steps` bring it to, one after the other; the violations by state. */
  async function audit(page: Page, steps: Record<string, () => Promise<unknown>>): Promise<Record<string, Violation[]>> {
    const found: Record<string, Violation[]> = {};
    for (const [state, step] of Object.entries(steps)) {
      await step();
      // Not while an action runs (the card is dimmed then) or its fade ends: axe would measure a dimmed card.
      await page.waitForFunction(() => getComputedStyle(document.getElementById('card')!).opacity === '1');
      const violations = await axeViolations(page);
      if (violations.length) found[state] = violations;
    }
    return found;
  }

  const button = (page: Page, name: string | RegExp) => page.locator('#card').getByRole('button', { name, exact: typeof name === 'string' });

  for (const theme of THEMES) {
    it(
      `the Customer Card on a call (each section and form) and Details with its edit form: no violation (${theme})`,
      async () => {
        const page = await open(theme);
        const found = await audit(page, {
          'current section': async () => undefined,
          'related section': () => button(page, /^Related/).click(),
          'activities section': () => button(page, /^Activities/).click(),
          'search form': () => button(page, 'Search').click(),
          'new contact form': () => button(page, 'New contact').click(),
          'merge dialog': () => button(page, 'Find a card to merge').click(),
          'new record form': () => button(page, 'New record').click(),
          'new case form': async () => {
            await button(page, /^Current/).click();
            await button(page, 'New case').click();
          },
          details: async () => {
            await button(page, 'Details: Maria Garcia').click();
            await page.locator('#card').getByText('Contact: Maria Garcia').waitFor();
          },
          'details, edit form': () => button(page, 'Edit').click(),
        });
        expect(found).toEqual({});
        await page.close();
      },
      AUDIT_TIMEOUT,
    );
  }

  /** Each visible input of the card: its border and placeholder colours, its own background and the one around it. */
  const inputColours = (page: Page) =>
    page.locator('#card input, #card textarea, #card select').evaluateAll((inputs) => {
      const backgroundOf = (from: Element | null): string => {
        for (let e = from; e; e = e.parentElement) {
          const colour = getComputedStyle(e).backgroundColor;
          if (!/rgba\(.*,\s*0\)$|transparent/.test(colour)) return colour;
        }
        return 'rgb(255, 255, 255)';
      };
      return inputs
        .filter((i) => i.getClientRects().length)
        .map((i) => ({
          id: i.id,
          border: getComputedStyle(i).borderTopColor,
          placeholder: i.hasAttribute('placeholder') ? getComputedStyle(i, '::placeholder').color : undefined,
          own: backgroundOf(i),
          around: backgroundOf(i.parentElement),
        }));
    });

  for (const theme of THEMES) {
    it(
      `draws input borders at 3:1 against the card and placeholders at 4.5:1 (${theme}); in contrast, tinted containers have an edge`,
      async () => {
        const page = await open(theme);
        await button(page, 'New record').click(); // its two inputs have placeholders
        const inputs = await inputColours(page);
        expect(inputs.length).toBeGreaterThanOrEqual(2);
        expect(inputs.filter((i) => i.placeholder).length).toBeGreaterThanOrEqual(2);
        for (const input of inputs) {
          const around = over(parseCss(input.around), [255, 255, 255, 1]);
          const own = over(parseCss(input.own), around);
          const border = contrast(over(parseCss(input.border), own), around);
          expect(border, `border of ${input.id} in ${theme}: ${border.toFixed(2)}:1`).toBeGreaterThanOrEqual(3);
          if (input.placeholder) {
            const placeholder = contrast(over(parseCss(input.placeholder), own), own);
            expect(placeholder, `placeholder of ${input.id} in ${theme}: ${placeholder.toFixed(2)}:1`).toBeGreaterThanOrEqual(4.5);
          }
        }
        if (theme === 'contrast') {
          const edges = await page
            .locator('#card .tab-tinted')
            .evaluateAll((containers) => containers.map((c) => ({ style: getComputedStyle(c).borderTopStyle, colour: getComputedStyle(c).borderTopColor })));
          expect(edges.length).toBeGreaterThanOrEqual(2); // the header and the banner at least
          for (const edge of edges) {
            expect(edge.style).toBe('solid');
            expect(contrast(parseCss(edge.colour), [0, 0, 0, 1])).toBeGreaterThanOrEqual(3);
          }
        }
        await page.close();
      },
      AUDIT_TIMEOUT,
    );
  }

  it(
    'the local identity picker and the empty state, in the three themes: no violation',
    async () => {
      const found: Record<string, Violation[]> = {};
      for (const theme of THEMES) {
        const fresh = await browser.newContext({ viewport: { width: 760, height: 720 } }); // nobody picked yet
        const page = await fresh.newPage();
        await page.goto(`${bot.url}/tabs/index.html?theme=${theme}`);
        await page.getByRole('heading', { name: /Local identity/ }).waitFor();
        const picker = await axeViolations(page);
        if (picker.length) found[`picker, ${theme}`] = picker;
        await pickLocalIdentity(page, 'aad-agent-2');
        await page.getByRole('heading', { name: 'No open interaction' }).waitFor();
        const empty = await axeViolations(page);
        if (empty.length) found[`empty, ${theme}`] = empty;
        await fresh.close();
      }
      expect(found).toEqual({});
    },
    AUDIT_TIMEOUT,
  );

  it(
    'After Call Work, with its form open, in the three themes: no violation',
    async () => {
      await agent.hangup();
      const found: Record<string, Record<string, Violation[]>> = {};
      for (const theme of THEMES) {
        const page = await open(theme);
        await page.locator('#card').getByText('After Call Work', { exact: true }).first().waitFor();
        const violations = await audit(page, { acw: async () => undefined, 'acw form': () => button(page, 'Disposition and notes…').click() });
        if (Object.keys(violations).length) found[theme] = violations;
        await page.close();
      }
      expect(found).toEqual({});
    },
    AUDIT_TIMEOUT,
  );
});
