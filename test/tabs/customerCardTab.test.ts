import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { actionOf, cardText, startBot, type BotHarness, type TeamsUser } from '../support/botHarness.js';
import { browserAvailable } from '../support/browser.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';
import { launchChromium, pickLocalIdentity, textOf } from './tabPage.js';

const SCREENSHOT = 'test-results/tab.png';

/**
 * The personal tab in Debian's Chromium against the real product: the same card as the chat, its clicks
 * going to the same engine (and changing the chat card in place), and live updates from the chat.
 */
describe.skipIf(!browserAvailable(import.meta.url)).each(STORE_BACKENDS)('the personal tab in Chromium ($name)', (backend) => {
  let store: TestStore;
  let bot: BotHarness;
  let agent: TeamsUser;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let chat: { messageId: string; card: any };
  const requested: string[] = [];

  beforeAll(async () => {
    store = await backend.open();
    [bot, browser] = await Promise.all([startBot(store), launchChromium()]);
    agent = bot.user('agent-1', 'Ana Agent');
    await agent.install();
    context = await browser.newContext({ viewport: { width: 760, height: 720 }, colorScheme: 'light' });
    page = await context.newPage();
    context.on('request', (request) => requested.push(request.url()));
  });
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    await store?.dispose();
  });

  it('shows a clearly marked local identity picker, then the empty state in words', async () => {
    await page.goto(`${bot.url}/tabs/index.html`);
    await pickLocalIdentity(page, 'aad-agent-1');
    await page.getByRole('heading', { name: 'No open interaction' }).waitFor();
    expect(await textOf(page, '#empty')).toMatch(/Type available in the chat with Customer Card, then a call arrives/);
    expect(await textOf(page, '#who')).toBe('Local identity (not signed in): Ana Agent');
    await page.getByText(/^Live: this card updates by itself/).waitFor();
  });

  it("shows the card of a call as soon as it arrives (live), rendered from the chat card's JSON", async () => {
    expect(await agent.sayText('available')).toMatch(/You are Available/);
    chat = await agent.sayForCard('call (206) 555-0142');
    await page.locator('#card').getByText('Maria Garcia').first().waitFor();
    const shown = await textOf(page, '#card');
    expect(shown).toMatch(/Customer Card/);
    expect(shown).toMatch(/Inbound call from \+1 206 555 0142/);
    expect(shown).toMatch(/State On call/);
    expect(shown).toMatch(/Current Interaction \(1\)/);
    expect(shown).not.toMatch(/CS-1001/);
    // The sections: one shown at a time, the shown one pressed (a state a screen reader says).
    const current = page.locator('#card button[aria-label="Current (1)"]');
    const related = page.locator('#card button[aria-label="Related (1)"]');
    expect(await current.getAttribute('aria-pressed')).toBe('true');
    await related.click();
    await page.locator('#card').getByText('Related Interactions (1)').waitFor();
    expect(await related.getAttribute('aria-pressed')).toBe('true');
    expect(await current.getAttribute('aria-pressed')).toBe('false');
    expect(await textOf(page, '#card')).toMatch(/CS-1001 Damaged shipment/);
    // Markdown as Teams draws it: bold, and escaped CRM data shown as written.
    expect(await page.locator('#card strong', { hasText: 'Contact' }).count()).toBeGreaterThan(0);
    // Every button says what it does.
    const unnamed = await page.$$eval('#card button', (buttons) => buttons.filter((b) => !(b.getAttribute('aria-label') ?? b.textContent ?? '').trim()).length);
    expect(unnamed).toBe(0);
  });

  it('links the case from the tab: the tab shows the answer in place and the chat card is updated in place', async () => {
    const updatesOfChat = () => bot.recorded.filter((r) => r.kind === 'update' && r.targetId === chat.messageId);
    const updatesBefore = updatesOfChat().length;
    const link = page.locator('#card button[title^="Link CS-1001"]');
    // Named with its record (a screen reader hears which record), not "Link" as the others.
    expect(await link.getAttribute('aria-label')).toBe('Link: CS-1001 Damaged shipment');
    await link.click();
    await page
      .locator('#card')
      .getByText(/Linked CS-1001 Damaged shipment/)
      .waitFor();
    expect(await textOf(page, '#card')).toMatch(/Current Interaction \(2\)/);
    // The message itself holds no customer data; the owner's refresh of it shows the link.
    await waitFor('the chat card updated in place', () => updatesOfChat().length > updatesBefore);
    const updated = await agent.refreshed(updatesOfChat().at(-1)!.activity.attachments[0].content);
    expect(cardText(updated)).toMatch(/Current Interaction \(2\)/);
    expect(cardText(updated)).toMatch(/CS-1001 Damaged shipment/);
    // What follows the tab's own click over the live stream keeps its notice (it is kept with the card).
    await page.waitForTimeout(300);
    expect(await textOf(page, '#card')).toMatch(/Note: Linked CS-1001/);

    // For review (the README's pictures are taken by `npm run screenshots`, scripts/screenshots.ts).
    mkdirSync('test-results', { recursive: true });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it("keeps a record's details open when the card changes meanwhile, says so, and goes back to the latest card", async () => {
    await page.locator('#card button[title="All fields and activities of Maria Garcia"]').click();
    await page.locator('#card').getByText('Contact: Maria Garcia').waitFor();
    await agent.say('search Contoso');
    await page.getByText(/The Customer Card changed while you read these details/).waitFor();
    expect(await textOf(page, '#card')).toMatch(/Contact: Maria Garcia/);
    await page.locator('#card button[aria-label="Back to the Customer Card"]').click();
    await page.locator('#card').getByText('Current Interaction (2)').waitFor();
    expect(await page.locator('#pending').isHidden()).toBe(true);
  });

  it("draws the card in Teams' dark and high-contrast themes", async () => {
    for (const [theme, page_, card_] of [
      ['dark', 'rgb(31, 31, 31)', 'rgb(41, 41, 41)'],
      ['contrast', 'rgb(0, 0, 0)', 'rgb(0, 0, 0)'],
    ] as const) {
      const themed = await context.newPage();
      await themed.goto(`${bot.url}/tabs/index.html?theme=${theme}`);
      // The identity picked before is remembered in this browser.
      await themed.locator('#card').getByText('Maria Garcia').first().waitFor();
      expect(await themed.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
      expect(await themed.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(page_);
      // Polled: a card update arriving now renders the card again, and the element read may be the one replaced.
      await expect.poll(() => themed.locator('#card .ac-adaptiveCard').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe(card_);
      await themed.screenshot({ path: `test-results/tab-${theme}.png`, fullPage: true });
      await themed.close();
    }
  });

  it('follows what the agent does in the chat, live: unlink, then hang up', async () => {
    const owner = await agent.currentCard(actionOf(chat.card, 'Details', { recordId: DEMO.maria.id }).data.interactionId as string);
    await agent.clickCard(actionOf(owner, 'Unlink', { recordId: DEMO.mariaCase.id }));
    await page.locator('#card').getByText('Current Interaction (1)').waitFor();

    expect(await agent.hangup()).toMatch(/Complete ACW/);
    await page.locator('#card').getByText('After Call Work', { exact: true }).first().waitFor();
    expect(await textOf(page, '#card')).toMatch(/State\s*After Call Work/);
  });

  it("completes After Call Work from the tab with the card's inputs, and shows the CRM writes finishing", async () => {
    // The ACW form is a card of its own (its inputs are Complete ACW's alone): open it first.
    await page.locator('#card button[aria-label="Disposition and notes…"]').click();
    await page.locator('#card select').selectOption('Resolved');
    await page.locator('#card textarea').fill('Replacement cartons shipped');
    await page.locator('#card button[aria-label="Complete ACW"]').click();
    await page
      .locator('#card')
      .getByText(/After Call Work complete/)
      .waitFor();
    // The writes finish after the answer: the tab hears of it like the chat card does.
    await page
      .locator('#card')
      .getByText(/Saved to the CRM \(2 of 2\)/)
      .waitFor();
    await bot.updateOf(chat.messageId, (c) => /Saved to the CRM \(2 of 2\)/.test(cardText(c)));
    expect(await textOf(page, '#card')).toMatch(/Disposition\s*Resolved/);
  });

  it('asks for the required inputs before sending (the renderer checks them, as Teams does)', async () => {
    expect(await agent.sayText('available')).toMatch(/You are Available/);
    await agent.say('call +1 206 555 0000');
    await page
      .locator('#card')
      .getByText(/No record matches this number/)
      .waitFor();
    const before = bot.recorded.length;
    await page.locator('#card button[aria-label="Create contact…"]').click();
    await page.locator('#card button[aria-label="Create contact"]').first().click();
    await page.locator('#card .ac-input-validation-failed').first().waitFor();
    expect(await textOf(page, '#card')).toMatch(/Last name is required/);
    expect(bot.recorded.length).toBe(before);
  });

  it('loads nothing from anywhere but the server (outside Teams, teams-js is not even loaded)', () => {
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => !url.startsWith(`${bot.url}/`))).toEqual([]);
  });

  it('over plain HTTP, without BOT_ID: the local identity header, the agents it may name, 400 for an unknown verb', async () => {
    const api = (path: string, init: RequestInit = {}) => fetch(`${bot.url}${path}`, init);
    const anonymous = await api('/api/tab/card');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('LocalAgent');
    expect(await anonymous.json()).toEqual({ error: 'unauthorized', reason: 'no identity picked: choose who you are in the local identity picker', identity: 'local' });

    const nobody = (await (await api('/api/tab/card', { headers: { 'X-Local-Agent-Id': 'aad-nobody' } })).json()) as any;
    expect(nobody).toEqual({ agent: { id: 'aad-nobody', name: null }, view: 'empty', interactionId: null, card: null, revision: expect.any(Number) });
    const agents = (await (await api('/api/tab/agents')).json()) as any;
    expect(agents.agents).toContainEqual({ id: 'aad-agent-1', name: 'Ana Agent', state: 'Working' });

    const unknown = await api('/api/tab/action', {
      method: 'POST',
      headers: { 'X-Local-Agent-Id': 'aad-agent-1', 'content-type': 'application/json' },
      body: JSON.stringify({ verb: 'customerCard.nope', data: {} }),
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: 'bad action: verb: "customerCard.nope" is not a Customer Card action' });

    expect((await api('/tabs/', { redirect: 'manual' })).headers.get('location')).toBe('/tabs/index.html');
    const bundle = await api('/tabs/app.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await api('/tabs/app.js', { headers: { 'if-none-match': bundle.headers.get('etag')! } })).status).toBe(304);
    expect((await api('/tabs/../package.json')).status).toBe(404);
    expect((await api('/tabs/nothing.js')).status).toBe(404);
  });
});
