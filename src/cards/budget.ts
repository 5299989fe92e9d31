/**
 * Every card stays under 28 KB, the smallest limit among the Teams surfaces a card can be posted to
 * (bot messages stop near 100 KB, connectors and Workflows at 28 KB), so a card works anywhere.
 */
export const MESSAGE_BUDGET_BYTES = 28 * 1024;
/** What the card itself may use: the message around it (ids, addresses, attachment) takes the rest. */
export const CARD_BUDGET_BYTES = MESSAGE_BUDGET_BYTES - 1536;

export function cardBytes(card: unknown): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/**
 * Builds a card showing at most `limit` list items, halving the limit until the card fits the budget.
 * The builder says on the card how many items it left out.
 */
export function fitToBudget<T>(build: (limit: number) => T, limit: number): T {
  let current = limit;
  for (;;) {
    const built = build(current);
    if (cardBytes(built) <= CARD_BUDGET_BYTES || current === 0) return built;
    current = Math.floor(current / 2);
  }
}
