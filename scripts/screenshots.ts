/**
 * `npm run screenshots`: the README's pictures, taken from the real product. Starts `npm start` (on a free
 * port, with a fresh demo data folder), the Agents Playground against it (`npm run playground -- --headless`),
 * and Debian's Chromium (CHROMIUM_PATH, as the tests use it), then walks the README demo: the Customer Card of
 * the call from Maria Garcia and her Details, in the playground and in the tab (light and dark); then the call
 * is finished (hangup, Complete ACW) and the chat walk of issue 14 follows (scripts/screenshots/digitalWalk.ts). The PNGs go
 * to docs/screenshots/ (or the folder given as the first argument). Nothing is fetched from the internet: the
 * playground's web fonts from a CDN are refused, so it draws with the system's fonts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { choose, digitalWalk } from './screenshots/digitalWalk.js';

const OUT = resolve(process.argv[2] ?? 'docs/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The playground's default user (Alex Wilber): the agent whose card the tab shows. */
const PLAYGROUND_AGENT = '00000000-0000-0000-0000-0000000000020';
const CALL = 'call (206) 555-0142';
/** Around a card in the playground: the bot's avatar on the left, its name and the time above. */
const BOT_MESSAGE = { left: 56, top: 36 };

const freePort = () =>
  new Promise<number>((done) => {
    const probe = createServer().listen(0, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });

/** A child in its own process group, so that stopping it stops what it started (npm starts tsx, tsx node). */
function start(command: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  child.unref();
  return child;
}
/** Stops a child's process group: SIGTERM, then SIGKILL for what is still there after 5 s. */
async function stop(child: ChildProcess): Promise<void> {
  const signal = (name: NodeJS.Signals | 0): boolean => {
    try {
      process.kill(-child.pid!, name);
      return true;
    } catch {
      return false; // the group is gone
    }
  };
  if (!child.pid || !signal('SIGTERM')) return;
  for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    if (!signal(0)) return; // 0: only asks whether the group is still there
  }
  signal('SIGKILL');
}

async function waitUntilUp(url: string, what: string, seconds = 120): Promise<void> {
  for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline;) {
    if (
      await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not answer at ${url} within ${seconds} s`);
}

/** A picture of `element` (or of all of them) with a margin of the page around it (`extra`: more on the left, top and bottom). */
async function shoot(page: Page, element: Locator | Locator[], name: string, extra: { left: number; top: number; bottom?: number } = { left: 0, top: 0 }): Promise<void> {
  await page.mouse.move(0, 0); // no hover colours
  const boxes = await Promise.all([element].flat().map((e) => e.boundingBox()));
  if (boxes.some((b) => !b)) throw new Error(`${name}: nothing to photograph`);
  const [x0, y0] = [Math.min(...boxes.map((b) => b!.x)), Math.min(...boxes.map((b) => b!.y))];
  const box = { x: x0, y: y0, width: Math.max(...boxes.map((b) => b!.x + b!.width)) - x0, height: Math.max(...boxes.map((b) => b!.y + b!.height)) - y0 };
  const margin = 12;
  const [x, y] = [Math.max(0, box.x - margin - extra.left), Math.max(0, box.y - margin - extra.top)];
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path, fullPage: true, clip: { x, y, width: box.x + box.width + margin - x, height: box.y + box.height + margin + (extra.bottom ?? 0) - y } });
  console.log(`wrote ${path}`);
}

/** The call walk in the playground; the page stays open for the chat walk. */
async function playground(browser: Browser, url: string): Promise<{ page: Page; say: (text: string) => Promise<void> }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1400 }, deviceScaleFactor: 1 });
  await page.route(/^https?:\/\/(?!localhost|127\.0\.0\.1)/, (route) => route.abort());
  await page.goto(url);
  const input = page.locator('[data-lexical-editor="true"][role="textbox"]');
  await input.waitFor();
  // The log panel takes a third of the window: closed for the picture.
  await page
    .getByRole('button', { name: /close/i })
    .first()
    .click()
    .catch(() => undefined);
  const say = async (text: string) => {
    await input.click();
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  };
  await page.getByText('Welcome', { exact: true }).first().waitFor({ timeout: 60_000 });
  await say('available');
  await page
    .getByText(/You are Available/)
    .first()
    .waitFor();
  await say(CALL);
  const card = page.locator('.ac-adaptiveCard', { hasText: 'Inbound call from' }).last();
  await card.getByText('Maria Garcia').first().waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1000); // the card updates in place once the data dip's notice settles
  await shoot(page, card, 'card-playground', BOT_MESSAGE);
  await card.getByRole('button', { name: 'Details: Maria Garcia' }).click();
  const details = page.locator('.ac-adaptiveCard', { hasText: 'Contact: Maria Garcia' }).last();
  await details.waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500);
  await shoot(page, details, 'details-playground', BOT_MESSAGE);
  await details.getByRole('button', { name: 'Back to the Customer Card' }).click();
  await page.locator('.ac-adaptiveCard', { hasText: 'Inbound call from' }).last().waitFor();
  return { page, say };
}

/** Ends the call and completes its After Call Work from the card, so that the tab has no call to show. */
async function finishCall({ page, say }: { page: Page; say: (text: string) => Promise<void> }): Promise<void> {
  await say('hangup');
  const card = page.locator('.ac-adaptiveCard', { hasText: 'After Call Work' }).last();
  await card.getByText('The call ended').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1000); // the card updates in place: a form opened before then would close
  await card.getByRole('button', { name: 'Disposition and notes…' }).click({ timeout: 30_000 });
  await choose(card);
  await card.getByRole('button', { name: 'Complete ACW' }).click();
  await page
    .getByText(/Saved to the CRM \(([1-9]\d*) of \1\)/)
    .last()
    .waitFor({ timeout: 60_000 });
}

/** The tab as the playground's agent, in a context of its own. */
async function openTab(browser: Browser, botUrl: string, theme: 'light' | 'dark'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 760, height: 1200 }, colorScheme: theme, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${botUrl}/tabs/index.html?theme=${theme === 'dark' ? 'dark' : 'default'}`);
  await page.getByRole('heading', { name: /Local identity/ }).waitFor();
  await page.locator('#known-agent').selectOption(PLAYGROUND_AGENT);
  await page.getByRole('button', { name: 'Show the card' }).click();
  return page;
}

async function tab(browser: Browser, botUrl: string, theme: 'light' | 'dark'): Promise<void> {
  const page = await openTab(browser, botUrl, theme);
  const context = page.context();
  const card = page.locator('#card');
  await card.getByText('Maria Garcia').first().waitFor();
  await shoot(page, page.locator('body'), `card-tab-${theme}`);
  await card.getByRole('button', { name: 'Details: Maria Garcia' }).click();
  await card.getByText('Contact: Maria Garcia').waitFor();
  await shoot(page, page.locator('body'), `details-tab-${theme}`);
  await context.close();
}

const dataDir = mkdtempSync(join(tmpdir(), 'customer-card-screenshots-'));
const children: ChildProcess[] = [];
let browser: Browser | undefined;
try {
  mkdirSync(OUT, { recursive: true });
  const [botPort, playgroundPort] = [await freePort(), await freePort()];
  const botUrl = `http://localhost:${botPort}`;
  const env = { PORT: String(botPort), DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  children.push(start('npm', ['start'], env));
  await waitUntilUp(`${botUrl}/healthz`, 'npm start');
  children.push(start('npm', ['run', 'playground', '--', '--headless', '-p', String(playgroundPort)], env));
  await waitUntilUp(`http://localhost:${playgroundPort}/`, 'the Agents Playground');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  const failed = async (error: unknown) => {
    // What the playground showed when it went wrong, for whoever runs this next (test-results/ is not committed).
    mkdirSync('test-results', { recursive: true });
    const pages = browser?.contexts().flatMap((c) => c.pages()) ?? [];
    for (const [i, page] of pages.entries()) {
      await page.screenshot({ path: `test-results/screenshots-failed-${i}.png`, fullPage: true });
      if (process.env.SCREENSHOTS_DEBUG) writeFileSync(`test-results/screenshots-failed-${i}.html`, await page.content());
    }
    throw error;
  };
  const chat = await playground(browser, `http://localhost:${playgroundPort}/`).catch(failed);
  for (const theme of ['light', 'dark'] as const) await tab(browser, botUrl, theme);
  await finishCall(chat).catch(failed);
  const tabPage = await openTab(browser, botUrl, 'light');
  await digitalWalk({ ...chat, shoot, extra: BOT_MESSAGE, botUrl, agentId: PLAYGROUND_AGENT, dataDir, tab: tabPage }).catch(failed);
} finally {
  await browser?.close();
  await Promise.all(children.map(stop));
  rmSync(dataDir, { recursive: true, force: true });
}
