import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AGENT_HEADER } from '../../src/auth/tabIdentity.js';
import { buildWorld, type OwnershipWorld } from '../security/ownershipWorld.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

/**
 * The tab sends its own IANA time zone (X-Time-Zone) with every request, as Teams sends localTimezone on
 * each activity: the agent's dates then read in it. Only a zone the runtime knows is kept.
 */
describe.each(STORE_BACKENDS)("the tab notes the agent's time zone ($name)", (backend) => {
  let store: TestStore;
  let world: OwnershipWorld;

  beforeAll(async () => {
    store = await backend.open();
    world = await buildWorld(store);
  });
  afterAll(async () => {
    await world?.stop();
    await store?.dispose();
  });

  const card = (zone: string) => fetch(`${world.bot.url}/api/tab/card`, { headers: { [LOCAL_AGENT_HEADER]: world.owner.aadObjectId, 'X-Time-Zone': zone } });
  const zoneOf = async () => (await store.db.selectFrom('agents').select('time_zone').where('id', '=', world.owner.aadObjectId).executeTakeFirstOrThrow()).time_zone;

  it('keeps a zone the runtime knows', async () => {
    expect((await card('Europe/Paris')).status).toBe(200);
    expect(await zoneOf()).toBe('Europe/Paris');
  });

  it('ignores an unknown or oversized zone, and still answers', async () => {
    expect((await card('Mars/Olympus_Mons')).status).toBe(200);
    expect((await card(`Europe/${'x'.repeat(4000)}`)).status).toBe(200);
    expect(await zoneOf()).toBe('Europe/Paris');
  });
});
