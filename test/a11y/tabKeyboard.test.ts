import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { actionOf, startBot, type BotHarness, type TeamsUser } from '../support/botHarness.js';
import { browserAvailable } from '../support/browser.js';
import { SQLITE_STORE, type TestStore } from '../support/stores.js';
import { launchChromium, pickLocalIdentity } from '../tabs/tabPage.js';

/** The accessible name of the focused element, and its key on the card (see tabs/src/cardAccessibility.ts). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    return e && e !== document.body ? (e.getAttribute('aria-label') ?? e.textContent ?? '').trim() : '<body>';
  });

/**
 * The tab used with the keyboard alone, as a screen reader hears it: the focus stays on the control (or what
 * replaced it) when an action or a live update redraws the card, the outcome is said in a live region, and
 * the card reads as headings, label/value pairs and buttons named with their record.
 */
describe.skipIf(!browserAvailable(import.meta.url))('the tab with a keyboard and a screen reader', () => {
  let store: TestStore;
  let bot: BotHarness;
  let agent: TeamsUser;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let interactionId: string;

  beforeAll(async () => {
    store = await SQLITE_STORE.open();
    [bot, browser] = await Promise.all([startBot(store), launchChromium()]);
    agent = bot.user('agent-1', 'Ana Agent');
    await agent.install();
    context = await browser.newContext({ viewport: { width: 760, height: 900 } });
    page = await context.newPage();
    await page.goto(`${bot.url}/tabs/index.html`);
    await pickLocalIdentity(page, 'aad-agent-1');
    await agent.sayText('available');
    const chat = await agent.sayForCard('call (206) 555-0142');
    interactionId = actionOf(chat.card, 'Details', { recordId: DEMO.maria.id }).data.interactionId as string;
    await page.locator('#card').getByText('Maria Garcia').first().waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    await store?.dispose();
  });

  it('reads as headings with levels, label/value pairs and buttons named with their record; the card root is no tab stop', async () => {
    const card = page.locator('#card');
    expect(await card.locator('[role="heading"]').evaluateAll((hs) => hs.map((h) => `${h.getAttribute('aria-level')} ${h.textContent}`))).toEqual([
      '2 Customer Card',
      '3 Current Interaction (1)',
      '3 Related Interactions (1)',
      '3 Activities (1)',
    ]);
    // A fact is a row: its label a row header, its value a cell (not two loose paragraphs).
    await expect.poll(() => page.getByRole('rowheader', { name: 'State' }).count()).toBe(1);
    expect(await page.getByRole('row', { name: /State On call/ }).count()).toBe(1);
    expect(await card.getByRole('button', { name: 'Details: Maria Garcia' }).count()).toBe(1);
    expect(await card.getByRole('button', { name: 'Unlink: Maria Garcia' }).count()).toBe(1);
    expect(await card.getByRole('button', { name: /^Details$|^Link$|^Unlink$/ }).count()).toBe(0);
    expect(await card.locator('.ac-adaptiveCard').getAttribute('tabindex')).toBeNull();
  });

  it('keeps the focus on the record after Link (now Unlink), and announces what happened', async () => {
    await page
      .locator('#card')
      .getByRole('button', { name: /^Related/ })
      .click();
    const link = page.locator('#card').getByRole('button', { name: /^Link: CS-1001/ });
    await link.focus();
    await page.keyboard.press('Enter');
    await page
      .locator('#card')
      .getByText(/Linked CS-1001/)
      .first()
      .waitFor();
    expect(await focused(page)).toMatch(/^Unlink: CS-1001/);
    await expect.poll(() => page.locator('#announcer').textContent()).toMatch(/^Note: Linked CS-1001/);
    expect(await page.locator('#announcer').getAttribute('aria-live')).toBe('polite');
  });

  it('keeps the focus on its button, and its form open, when a live update redraws the card', async () => {
    const search = page.locator('#card button[aria-label="Search"][aria-expanded]'); // the form's button, not its Search
    await search.click(); // opens the search form
    await page.locator('#card').getByRole('button', { name: 'Details: Maria Garcia' }).focus();
    const owner = await agent.currentCard(interactionId);
    await agent.clickCard(actionOf(owner, 'Unlink', { recordId: DEMO.mariaCase.id }));
    await page.locator('#card').getByText('Current Interaction (1)').waitFor();
    expect(await focused(page)).toBe('Details: Maria Garcia');
    expect(await search.getAttribute('aria-expanded')).toBe('true');
  });

  it("goes to the details' heading, and back to the Details button", async () => {
    await page.locator('#card').getByRole('button', { name: 'Details: Maria Garcia' }).press('Enter');
    await page.locator('#card').getByText('Contact: Maria Garcia').waitFor();
    expect(await focused(page)).toBe('Contact: Maria Garcia');
    await page.locator('#card').getByRole('button', { name: 'Back to the Customer Card' }).press('Enter');
    await page.locator('#card').getByText('Current Interaction (1)').waitFor();
    expect(await focused(page)).toBe('Details: Maria Garcia');
  });

  it('after a form is sent, the focus goes back to the button that opened it', async () => {
    await page.locator('#card button[aria-label="Search"][aria-expanded]').click();
    const query = page.locator('#card').getByLabel('Name, phone, email or case number');
    await query.fill('Contoso');
    await page.locator('#card .ac-pushButton[aria-label="Search"]').last().press('Enter');
    await page
      .locator('#card')
      .getByText(/records? found for "Contoso"/)
      .first()
      .waitFor();
    expect(await focused(page)).toBe('Search');
  });

  it('wraps its button rows at 375 px and reflows at 320 px (nothing cut off, no sideways scroll), forms and Details too', async () => {
    const check = async (what: string) => {
      for (const width of [375, 320]) {
        await page.setViewportSize({ width, height: 900 });
        const outside = await page
          .locator('#card button, #card input, #card textarea, #card select')
          .evaluateAll(
            (controls, w) =>
              controls.filter((c) => c.getClientRects().length && (c.getBoundingClientRect().right > w || c.getBoundingClientRect().left < 0)).map((c) => c.getAttribute('aria-label') ?? c.id),
            width,
          );
        expect(outside, `${what}: controls cut off at ${width} px`).toEqual([]);
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `${what}: sideways scroll at ${width} px`).toBeLessThanOrEqual(width);
      }
    };
    await check('the card');
    await page.locator('#card button[aria-label="New record"]').click();
    await check('the New record form');
    await page.locator('#card').getByRole('button', { name: 'Details: Maria Garcia' }).click();
    await page.locator('#card').getByText('Contact: Maria Garcia').waitFor();
    await page.locator('#card').getByRole('button', { name: 'Edit' }).click();
    await check('Details with its edit form');
    await page.locator('#card').getByRole('button', { name: 'Back to the Customer Card' }).click();
    await page.locator('#card').getByText('Current Interaction (1)').waitFor();
    await page.setViewportSize({ width: 760, height: 900 });
  });

  it('after "Show the latest card" (the card changed while typing), the focus goes to that card, not the page\'s top', async () => {
    await page.locator('#card button[aria-label="Search"][aria-expanded]').click();
    await page.locator('#card').getByLabel('Name, phone, email or case number').fill('Gar');
    const owner = await agent.currentCard(interactionId);
    await agent.clickCard(actionOf(owner, 'Link', { recordId: DEMO.mariaCase.id }));
    await page.getByRole('button', { name: 'Show the latest card' }).click();
    await page.locator('#card').getByText('Current Interaction (2)').waitFor();
    expect(await focused(page)).toBe('Customer Card');
  });

  it('keeps the focus on the button when its action does not go through (the card stays as it was)', async () => {
    await page.route('**/api/tab/action', (route) => route.abort());
    try {
      await page.locator('#card').getByRole('button', { name: 'Details: Maria Garcia' }).press('Enter');
      await page
        .locator('#problem')
        .getByText(/did not go through/)
        .waitFor();
      await expect.poll(() => focused(page)).toBe('Details: Maria Garcia');
    } finally {
      await page.unroute('**/api/tab/action');
    }
  });

  it("draws the whole focus outline of the card's buttons (no ancestor clips it)", async () => {
    const clipped = await page.locator('#card button').evaluateAll((buttons) =>
      buttons
        .filter((b) => b.getClientRects().length)
        .filter((b) => {
          for (let e = b.parentElement; e && e.id !== 'card'; e = e.parentElement) if (getComputedStyle(e).overflow !== 'visible') return true;
          return getComputedStyle(document.getElementById('card')!).overflow !== 'visible';
        })
        .map((b) => b.getAttribute('aria-label')),
    );
    expect(clipped).toEqual([]);
  });
});
