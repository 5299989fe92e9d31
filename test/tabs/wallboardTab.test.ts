import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../a11y/axe.js';
import { startBot, type BotHarness, type TeamsUser } from '../support/botHarness.js';
import { browserAvailable } from '../support/browser.js';
import { SQLITE_STORE, type TestStore } from '../support/stores.js';
import { launchChromium, pickLocalIdentity, textOf } from './tabPage.js';

/**
 * The supervisors' wallboard in the personal tab, in Debian's Chromium against the real product: offered to
 * supervisors only, tables with headers, states in words, live as agents change state, and audited with
 * axe-core in Teams' three themes. The page is not about storage: SQLite only.
 */
describe.skipIf(!browserAvailable(import.meta.url))('the wallboard in the personal tab (Chromium)', () => {
  let store: TestStore;
  let bot: BotHarness;
  let agent: TeamsUser;
  let browser: Browser;

  beforeAll(async () => {
    store = await SQLITE_STORE.open();
    [bot, browser] = await Promise.all([startBot(store), launchChromium()]);
    agent = bot.user('agent-1', 'Ana Agent');
    await agent.install();
    await bot.user('supervisor', 'Sue Supervisor').install();
  });
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    await store?.dispose();
  });

  async function openAs(agentId: string, theme = 'default', hash = ''): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 900, height: 720 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(`${bot.url}/tabs/index.html?theme=${theme}${hash}`);
    await pickLocalIdentity(page, agentId);
    // #wallboard opens the supervisor's tab on the wallboard (the card's live status steps aside).
    if (!hash) await page.getByText(/^Live: this card updates by itself/).waitFor();
    return page;
  }

  /** The wallboard's agents table as rows of cell texts (the row header first). */
  const agentRows = (page: Page) =>
    page.$$eval('#wallboard-agents tbody tr', (rows) => rows.map((row) => Array.from(row.querySelectorAll('th, td')).map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim())));

  it('offers an agent nothing of the wallboard', async () => {
    const page = await openAs('aad-agent-1', 'default', '#wallboard');
    expect(await page.locator('#views').isHidden()).toBe(true);
    expect(await page.locator('#wallboard').isHidden()).toBe(true);
    expect(await page.getByRole('button', { name: 'Wallboard' }).count()).toBe(0);
    await page.context().close();
  });

  it("shows a supervisor every agent's state in a table with headers, live as the agent changes state and takes a call", async () => {
    const page = await openAs('aad-supervisor');
    await page.getByRole('button', { name: 'Wallboard' }).click();
    await page.getByRole('table', { name: /Agents \(2\)/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Wallboard' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#card').isHidden()).toBe(true);
    const headers = await page.locator('#wallboard-agents').getByRole('columnheader').allInnerTexts();
    expect(headers).toEqual(['Agent', 'State', 'Time in state', 'Interaction', 'With', 'Digital conversations']);
    expect((await agentRows(page))[0]).toEqual(['Ana Agent', 'Unavailable', expect.stringMatching(/^\d+ s$/), 'None', '—', '0']);
    expect(await textOf(page, '#wallboard-queues tbody')).toBe('Nothing is waiting.');
    expect(await textOf(page, '#wallboard-interval-problem')).toBe('');
    expect(await textOf(page, '#wallboard-interval tbody')).toBe('No contacts yet in this interval.');
    expect(await textOf(page, '#wallboard-status')).toMatch(/^Live: updates when an agent changes state/);

    await agent.sayText('unavailable lunch');
    await page.locator('#wallboard-agents tbody tr', { hasText: 'Ana Agent' }).getByText('Unavailable: Lunch').waitFor();
    await agent.sayText('available');
    await agent.sayForCard('call (206) 555-0142');
    await page.locator('#wallboard-agents tbody tr', { hasText: 'Ana Agent' }).getByText('Working').waitFor();
    expect((await agentRows(page))[0]).toEqual(['Ana Agent', 'Working', expect.stringMatching(/^\d+ s$/), 'Voice, on call', 'Maria Garcia (Contoso Pharmaceuticals)', '0']);
    // The call is in the interval so far (the workforce interval reports, over the same store).
    await page.locator('#wallboard-interval tbody tr', { hasText: 'Voice' }).waitFor();

    // Back to the card: the wallboard steps aside and the card is there.
    await page.getByRole('button', { name: 'Customer Card' }).click();
    expect(await page.locator('#wallboard').isHidden()).toBe(true);
    expect(await page.locator('#empty').isVisible()).toBe(true);
    await page.context().close();
  });

  it('draws the queues and the interval so far with its totals, and data only ever as text', async () => {
    const view = {
      asOf: '2026-12-06T10:37:12.000Z',
      agents: [
        {
          id: 'x',
          name: '<img src=x onerror="document.body.dataset.hacked=1">',
          state: 'ACW',
          reasonCode: null,
          stateLabel: 'ACW',
          since: '2026-12-06T10:30:00.000Z',
          secondsInState: 432,
          interaction: { channel: 'chat', state: 'acw' },
          customer: '<b>Contoso</b>',
          digital: 2,
        },
      ],
      queues: { acd: [{ skill: 'Billing', channel: 'voice', count: 3, longestWaitSeconds: 95 }], digital: [{ kind: 'sms', skill: null, count: 1, longestWaitSeconds: 20 }] },
      interval: {
        start: '2026-12-06T10:30:00.000Z',
        end: '2026-12-06T10:45:00.000Z',
        rows: [{ skill: 'Billing', channel: 'voice', offered: 10, handled: 8, abandoned: 2, averageSpeedOfAnswerSeconds: 12, averageHandleTimeSeconds: 300, serviceLevelPercent: 70 }],
        totals: { offered: 10, handled: 8, abandoned: 2, serviceLevelPercent: 70 },
      },
      intervalProblem: null,
    };
    const context = await browser.newContext({ viewport: { width: 900, height: 720 }, reducedMotion: 'reduce' });
    // The server's stream, as it would send this board (the interval reports are not wired in the test product).
    await context.route('**/api/tab/wallboard/events', (route) =>
      route.fulfill({ status: 200, contentType: 'text/event-stream', body: `: live\n\nevent: wallboard\ndata: ${JSON.stringify(view)}\n\n` }),
    );
    const page = await context.newPage();
    await page.goto(`${bot.url}/tabs/index.html#wallboard`);
    await pickLocalIdentity(page, 'aad-supervisor');
    await page.getByRole('table', { name: 'Agents (1)' }).waitFor();
    expect((await agentRows(page))[0]).toEqual([view.agents[0]!.name, 'ACW', '7 min 12 s', 'Chat, After Call Work', '<b>Contoso</b>', '2']);
    expect(await page.evaluate(() => document.body.dataset.hacked)).toBeUndefined();
    expect(await textOf(page, '#wallboard-queues tbody')).toBe('Billing Voice (contact center) 3 1 min 35 s No skill SMS (digital) 1 20 s');
    expect(await textOf(page, '#wallboard-interval-title')).toBe('This interval so far (10:30–10:45 UTC)');
    expect(await textOf(page, '#wallboard-interval tbody')).toBe('Billing Voice 10 8 2 70%');
    expect(await textOf(page, '#wallboard-interval tfoot')).toBe('All skills 10 8 2 70%');
    expect(await page.locator('#wallboard-interval-problem').isHidden()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);

  it.each(['default', 'dark', 'contrast'])(
    'has no WCAG 2.1 AA violation in the %s theme (opened from #wallboard)',
    async (theme) => {
      const page = await openAs('aad-supervisor', theme, '#wallboard');
      await page.getByRole('table', { name: /Agents \(2\)/ }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await page.context().close();
    },
    60_000,
  );
});
