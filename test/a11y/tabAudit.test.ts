import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type BotHarness, type TeamsUser } from '../support/botHarness.js';
import { browserAvailable } from '../support/browser.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { launchChromium, pickLocalIdentity } from '../tabs/tabPage.js';
import { axeViolations, type Violation } from './axe.js';

const sqlite = STORE_BACKENDS.find((b) => b.name === 'sqlite')!;
const THEMES = ['default', 'dark', 'contrast'] as const;

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
    store = await sqlite.open();
    [bot, browser] = await Promise.all([startBot(store), launchChromium()]);
    agent = bot.user('agent-1', 'Ana Agent');
    await agent.install();
    context = await browser.newContext({ viewport: { width: 760, height: 720 } });
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
      const violations = await axeViolations(page);
      if (violations.length) found[state] = violations;
    }
    return found;
  }

  const button = (page: Page, name: string | RegExp) => page.locator('#card').getByRole('button', { name, exact: typeof name === 'string' });

  for (const theme of THEMES) {
    it(`the Customer Card on a call (each section and form) and Details with its edit form: no violation (${theme})`, async () => {
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
    });
  }

  it('After Call Work, with its form open, in the three themes: no violation', async () => {
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
  });
});
