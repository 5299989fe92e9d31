import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { startBot } from '../support/botHarness.js';
import { STORE_BACKENDS } from '../support/stores.js';
import { launchChromium, pickLocalIdentity } from '../tabs/tabPage.js';

it('dump', async () => {
  const store = await STORE_BACKENDS.find((b) => b.name === 'sqlite')!.open();
  const [bot, browser] = await Promise.all([startBot(store), launchChromium()]);
  const agent = bot.user('agent-1', 'Ana Agent');
  await agent.install();
  const context = await browser.newContext({ viewport: { width: 375, height: 720 } });
  const page = await context.newPage();
  await page.goto(`${bot.url}/tabs/index.html`);
  await pickLocalIdentity(page, 'aad-agent-1');
  await agent.sayText('available');
  await agent.sayForCard('call (206) 555-0142');
  await page.locator('#card').getByText('Maria Garcia').first().waitFor();
  writeFileSync('/tmp/scratch/card.html', await page.locator('#card').innerHTML());
  await page.screenshot({ path: '/tmp/scratch/375.png', fullPage: true });
  await page.setViewportSize({ width: 320, height: 720 });
  await page.screenshot({ path: '/tmp/scratch/320.png', fullPage: true });
  await browser.close(); await bot.stop(); await store.dispose();
}, 60000);
