import { customerCard } from '../cards/customerCard.js';
import type { AdaptiveCard } from '../cards/schema/adaptiveCard.js';
import type { CardQuery } from '../interactions/cardQuery.js';

/**
 * What the tab shows: a Customer Card (the owner's view), a card an action answered with in its place
 * (a record's details), or the empty state when the agent has no open interaction.
 */
export interface TabView {
  view: 'card' | 'details' | 'empty';
  interactionId: string | null;
  card: AdaptiveCard | null;
  /**
   * When the server began drawing it (CardStreams.revision): of two views of one interaction, the one with
   * the higher revision shows the newer state, whichever arrives first (an action's answer and the live
   * stream travel on different connections).
   */
  revision?: number;
}

export const EMPTY_VIEW: TabView = { view: 'empty', interactionId: null, card: null };

/** The agent's current card (their open call's, else their latest conversation's), as they see it on the chat card; or the empty state. */
export async function currentView(cards: Pick<CardQuery, 'currentInteraction' | 'view'>, agentId: string): Promise<TabView> {
  const open = await cards.currentInteraction(agentId);
  if (!open) return EMPTY_VIEW;
  return { view: 'card', interactionId: open.id, card: customerCard(await cards.view(agentId, open.id)) };
}

/**
 * The card of an interaction that just changed, if the tab should show it: when it is the agent's open
 * interaction, or when they have none open (the one just completed, whose CRM writes are finishing).
 * A late change of an older interaction does not push the open one off the tab.
 */
export async function changedView(cards: Pick<CardQuery, 'openInteraction' | 'view'>, agentId: string, interactionId: string): Promise<TabView | undefined> {
  const open = await cards.openInteraction(agentId);
  if (open && open.id !== interactionId) return undefined;
  return { view: 'card', interactionId, card: customerCard(await cards.view(agentId, interactionId)) };
}
