import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newInteraction } from '../../src/domain/interaction.js';
import { PgCardChangeBus, type RemoteCardChange } from '../../src/interactions/cardChangeBus.js';
import { upsertAgent } from '../../src/store/agentsRepository.js';
import { insertInteraction } from '../../src/store/interactionsRepository.js';
import { STORE_BACKENDS, TEST_DATABASE_URL, type TestStore } from '../support/stores.js';
import { waitFor } from '../support/waitFor.js';

const logger = pino({ level: 'silent' });
const postgres = STORE_BACKENDS.find((b) => b.name === 'postgres')!;
const NOW = '2026-11-22T10:00:00.000Z';

describe('the card change bus on PostgreSQL', () => {
  let store: TestStore;
  const buses: PgCardChangeBus[] = [];
  /** Statements that notified, sent by the announcing instance. */
  let notifying = 0;

  const busOf = async (instanceId: string, counted = false) => {
    const db = counted
      ? store.db.withPlugin({
          transformQuery: ({ node }) => {
            if (node.kind === 'RawNode' && node.sqlFragments.join('').includes('pg_notify')) notifying++;
            return node;
          },
          transformResult: async ({ result }) => result,
        })
      : store.db;
    const bus = await PgCardChangeBus.start({ db, connectionString: TEST_DATABASE_URL, schema: store.schema, instanceId, logger, clock: () => new Date(NOW) });
    buses.push(bus);
    return bus;
  };

  beforeEach(async () => {
    store = await postgres.open();
    notifying = 0;
    await upsertAgent(store.db, 'agent-1', 'Ana', NOW);
    for (const id of ['i-1', 'i-2', 'i-3']) {
      await insertInteraction(store.db, newInteraction({ id, agentId: 'agent-1', channel: 'voice', ani: '+12065550142', state: 'completed', configurationId: 'demo', startedAt: NOW }));
    }
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    await store.dispose();
  });

  it('announces the changes raised together in one notifying statement, and the other instance hears each with its revision', async () => {
    const a = await busOf('instance-a', true);
    const b = await busOf('instance-b');
    const heard: RemoteCardChange[] = [];
    b.onRemoteChange((change) => heard.push(change));

    // A batch of ACW jobs ending tells of its interactions at once; i-1 twice (two of its jobs).
    for (const id of ['i-1', 'i-2', 'i-1', 'i-3']) void a.announce({ interactionId: id, agentId: 'agent-1' });
    await waitFor('B hears the three cards', () => heard.length === 3);

    expect(notifying).toBe(1);
    expect(heard.map((c) => [c.interactionId, c.agentId, c.revision]).sort()).toEqual([
      ['i-1', 'agent-1', 1],
      ['i-2', 'agent-1', 1],
      ['i-3', 'agent-1', 1],
    ]);

    // A later change is a later revision, and the announcing instance is given it too.
    expect(await a.announce({ interactionId: 'i-2', agentId: 'agent-1' })).toBe(2);
    await waitFor('B hears i-2 again', () => heard.length === 4);
    expect(heard[3]).toEqual({ interactionId: 'i-2', agentId: 'agent-1', revision: 2 });
  });

  it('announces what is pending when it closes', async () => {
    const a = await busOf('instance-a');
    void a.announce({ interactionId: 'i-3', agentId: 'agent-1' });
    await a.close();
    buses.splice(buses.indexOf(a), 1);
    const { card_revision } = await store.db.selectFrom('interactions').select('card_revision').where('id', '=', 'i-3').executeTakeFirstOrThrow();
    expect(Number(card_revision)).toBe(1);
  });
});
