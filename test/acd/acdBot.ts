import { afterAll, beforeAll } from 'vitest';
import type { ProductOptions } from '../../src/product.js';
import { startBot, type BotHarness } from '../support/botHarness.js';
import type { StoreBackend, TestStore } from '../support/stores.js';
import { ACD_SECRET } from './acdClient.js';

/** The product of one describe block, as an ACD sees it: filled in before its tests, stopped after them. */
export interface AcdBot {
  bot: BotHarness;
  store: TestStore;
}

/**
 * Within a describe block: the product on a fresh store of `backend`, taking events signed with ACD_SECRET,
 * with the call simulator off (the ACD drives the calls). `options`: parts the test plugs in (a slow CRM, say).
 */
export function useAcdBot(backend: StoreBackend, options: Omit<ProductOptions, 'pgSchema'> = {}): AcdBot {
  const running = {} as AcdBot;
  beforeAll(async () => {
    running.store = await backend.open();
    running.bot = await startBot(running.store, { ACD_EVENTS_SECRET: ACD_SECRET, ACD_SIMULATOR: 'off' }, undefined, options);
  });
  afterAll(async () => {
    await running.bot.stop();
    await running.store.dispose();
  });
  return running;
}
