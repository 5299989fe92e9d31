import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from '../support/browser.js';

/** Debian's Chromium (see test/support/browser.ts), headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Chooses whose card to show in the tab's local identity picker (no BOT_ID: local use). */
export async function pickLocalIdentity(page: Page, agentId: string): Promise<void> {
  await page.getByRole('heading', { name: /Local identity/ }).waitFor();
  await page.locator('#known-agent').selectOption(agentId);
  await page.getByRole('button', { name: 'Show the card' }).click();
}

/** The visible text of an element, with its whitespace squeezed, as a person reads it. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();
}
