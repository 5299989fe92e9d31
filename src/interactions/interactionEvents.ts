/**
 * "This interaction's card changed": raised after every committed change (a workflow result, a link, a
 * state change, an ACW write finishing), so that each place showing the card (the chat message, the tab)
 * can bring itself up to date. Listeners run after the change and must not throw into it.
 */
export type CardChangeListener = (change: { interactionId: string; agentId: string }) => void | Promise<void>;

export class InteractionEvents {
  private readonly listeners = new Set<CardChangeListener>();

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  onCardChanged(listener: CardChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  cardChanged(interactionId: string, agentId: string): void {
    for (const listener of this.listeners) {
      Promise.resolve()
        .then(() => listener({ interactionId, agentId }))
        .catch(this.onListenerError);
    }
  }
}
