import { actionSet, container } from '../elements.js';
import type { CardElement, ToggleVisibilityAction } from '../schema/adaptiveCard.js';

export interface Section {
  key: string;
  title: string;
  items: CardElement[];
}

/**
 * The card's sections, one shown at a time: a row of buttons, each showing its section and hiding the
 * others (Action.ToggleVisibility), so the card stays short and the agent chooses what to read.
 */
export function sections(interactionId: string, list: Section[], expanded: string): CardElement[] {
  const id = (key: string) => `section-${key}-${interactionId.slice(0, 8)}`;
  const buttons = list.map((section): ToggleVisibilityAction => ({
    type: 'Action.ToggleVisibility',
    title: section.title,
    tooltip: `Show ${section.title.replace(/ \(\d+\)$/, '')} and hide the other sections`,
    targetElements: list.map((other) => ({ elementId: id(other.key), isVisible: other.key === section.key })),
  }));
  return [actionSet(buttons), ...list.map((section) => container(section.items, { id: id(section.key), isVisible: section.key === expanded }))];
}
