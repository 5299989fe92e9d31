/**
 * The digital walk of `npm run screenshots` (issue 14's "Must show"), in the Agents Playground after the call
 * walk: `chat Peter Solo …` → the chat card (transcript, Peter Solo and CS-2001), a reply from the card that
 * reaches the simulator's box ("Peter Solo's chat received: …", Delivered), Closed → what was written to the
 * CRM; then Closed again through the tab's action API, and the app's SQLite file read to check that it was
 * refused and wrote or sent nothing: exactly one timeline activity on each linked record, one reply out.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Locator, Page } from 'playwright-core';

export const CHAT = { who: 'Peter Solo', text: 'Hello, can you help me, please?', email: 'peter.solo@tailwind.example' };
const REPLY = 'Of course, Peter: your parcel left our depot this morning and arrives tomorrow.';

export interface WalkContext {
  page: Page;
  say: (text: string) => Promise<void>;
  shoot: (page: Page, element: Locator | Locator[], name: string, extra?: { left: number; top: number; bottom?: number }) => Promise<void>;
  extra: { left: number; top: number };
  botUrl: string;
  agentId: string;
  dataDir: string;
  /** The personal tab (light), open with no call: the chat card reaches it live. */
  tab?: Page;
}

/** The chat card in the playground: the last card with a transcript (it updates in place). */
export const chatCard = (page: Page) => page.locator('.ac-adaptiveCard', { hasText: /Conversation \(\d+\)/ }).last();

/** Chooses `value` (else the first choice) in the card's one open choice set: a native select, or a combobox of options. */
export async function choose(card: Locator, value?: string): Promise<void> {
  const select = card.locator('select, [role="combobox"]').first();
  if ((await select.evaluate((e) => e.tagName)) === 'SELECT') await select.selectOption(value ?? { index: 1 });
  else {
    await select.click();
    const options = card.page().getByRole('option');
    await (value ? options.filter({ hasText: new RegExp(`^${value}$`) }) : options).first().click();
  }
}

/** The bot's message among `matches` (the log panel, on the right, and an off-screen live region repeat its text). */
async function inChat(page: Page, matches: Locator): Promise<Locator> {
  await matches.first().waitFor({ timeout: 30_000 });
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await page.waitForTimeout(250)) {
    const all = await matches.all();
    const boxes = await Promise.all(all.map((m) => m.boundingBox()));
    const left = boxes.findIndex((b) => b !== null && b.x > 0 && b.x < 700); // not the log panel, nor a screen reader's off-screen copy
    if (left >= 0) return all[left]!.locator('xpath=..'); // its bubble
  }
  throw new Error('the bot did not say in the chat that the box received the reply');
}

export async function digitalWalk(ctx: WalkContext): Promise<void> {
  const { page, say, shoot, extra } = ctx;
  await say(`chat ${CHAT.who} ${CHAT.text}`);
  const card = chatCard(page);
  await card.getByText(CHAT.text).first().waitFor({ timeout: 60_000 });
  await card.getByText(CHAT.who).first().waitFor({ timeout: 30_000 });
  // His open case is under Related: that section shown for the picture.
  await card.getByRole('button', { name: /^Related \(\d+\)/ }).click({ timeout: 30_000 });
  await card.getByText('CS-2001').first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1000); // the data dip's notice settles
  await shoot(page, card, 'chat-playground', extra);
  if (ctx.tab) {
    await ctx.tab.locator('#card').getByText(CHAT.text).first().waitFor({ timeout: 30_000 });
    await shoot(ctx.tab, ctx.tab.locator('body'), 'chat-tab-light');
  }

  await card.getByRole('button', { name: 'Reply', exact: true }).click();
  await card.getByPlaceholder('Your message').fill(REPLY);
  await card.getByRole('button', { name: 'Send', exact: true }).click();
  const received = await inChat(page, page.getByText(`${CHAT.who}'s chat received:`));
  await card.getByText('Delivered', { exact: true }).first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500);
  // The chat scrolls inside its pane: the card and the bot's message under it, both in view.
  await page.setViewportSize({ width: 1200, height: 1800 });
  await received.scrollIntoViewIfNeeded();
  await shoot(page, [card, received], 'chat-reply-playground', { ...extra, bottom: 24 }); // the message's text runs below its box

  await card.getByRole('button', { name: 'Outcome', exact: true }).click();
  await choose(card, 'Closed');
  await card.getByRole('button', { name: 'Save outcome', exact: true }).click();
  await card.getByText(/Saved to the CRM \(([1-9]\d*) of \1\)/).waitFor({ timeout: 60_000 });
  await page.waitForTimeout(500);
  await shoot(page, card, 'chat-closed-playground', extra);
  await closedAgain(ctx);
}

interface Counts {
  interactionId: string;
  /** Timeline activities (embedded CRM tasks) on each linked record of the chat. */
  activities: Record<string, number>;
  jobs: number;
  outbound: number;
}

function counts(dataDir: string): Counts {
  const db = new Database(join(dataDir, 'customer-card.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const { id } = db.prepare("SELECT id FROM interactions WHERE channel != 'voice' AND ani = ? ORDER BY started_at DESC").get(CHAT.email) as { id: string };
    const linked = db.prepare('SELECT record_id, label FROM interaction_records WHERE interaction_id = ? AND linked = 1').all(id) as Array<{ record_id: string; label: string }>;
    const tasks = db.prepare("SELECT COUNT(*) AS n FROM crm_records WHERE type = 'task' AND json_extract(fields, '$.regardingId') = ?");
    const activities = Object.fromEntries(linked.map((r) => [`${r.label} (${r.record_id})`, (tasks.get(r.record_id) as { n: number }).n]));
    const { jobs } = db.prepare('SELECT COUNT(*) AS jobs FROM jobs').get() as { jobs: number };
    const { outbound } = db
      .prepare("SELECT COUNT(*) AS outbound FROM digital_messages m JOIN digital_threads t ON t.id = m.thread_id WHERE t.interaction_id = ? AND m.direction = 'outbound'")
      .get(id) as { outbound: number };
    return { interactionId: id, activities, jobs, outbound };
  } finally {
    db.close();
  }
}

/** Closed again, as a stale card or a second tab would send it: refused, and nothing more is written or sent. */
async function closedAgain({ botUrl, agentId, dataDir }: WalkContext): Promise<void> {
  const before = counts(dataDir);
  const answer = await fetch(`${botUrl}/api/tab/action`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'x-local-agent-id': agentId },
    body: JSON.stringify({ verb: 'digital.saveOutcome', data: { interactionId: before.interactionId, threadStatus: 'Closed', threadTags: '', threadNotes: '' } }),
  });
  const said = JSON.stringify(await answer.json());
  await new Promise((r) => setTimeout(r, 2000)); // time for a (wrong) second write to show
  const after = counts(dataDir);
  console.log(`Closed: timeline activities on each linked record of ${before.interactionId}: ${JSON.stringify(before.activities)}; replies sent: ${before.outbound}`);
  const refused = said.includes('already Closed');
  console.log(
    `Closed again (POST /api/tab/action, HTTP ${answer.status}): ${refused ? 'refused, "This conversation is already Closed; nothing was sent twice."' : `NOT refused: ${said.slice(0, 300)}`}`,
  );
  console.log(`after it: activities ${JSON.stringify(after.activities)}, jobs ${before.jobs} → ${after.jobs}, replies sent ${before.outbound} → ${after.outbound}`);
  const one = Object.values(after.activities);
  if (!refused || one.length === 0 || one.some((n) => n !== 1) || after.jobs !== before.jobs || after.outbound !== before.outbound || before.outbound !== 1) {
    throw new Error('the digital walk did not show what issue 14 must show (see the lines above)');
  }
}
