import type { ThreadRouter } from './ports.js';

/**
 * The ThreadRouter port with no routing behind it: a conversation let go waits in the queue, and a transfer to a
 * person is not possible. What product.ts hands ThreadOutcomes until the threads piece's router (threadRouting.ts)
 * is wired in its place; ThreadOutcomes says "it waits in the queue" on the card either way.
 */
export const QUEUE_ONLY_ROUTER: ThreadRouter = {
  route: async () => null,
  assignTo: async () => {
    throw new Error('no thread router is wired: the conversation waits in the queue');
  },
  drainQueue: async () => 0,
};
