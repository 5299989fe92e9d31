import type { CustomerCardView } from '../../domain/customerCard.js';
import { describeState, type InteractionState } from '../../domain/interaction.js';
import { displayPhone } from '../../domain/phone.js';
import { container, plain, trimText } from '../elements.js';
import type { CardElement, Container } from '../schema/adaptiveCard.js';

/** The card's top block, tinted by where the interaction stands, the same for every viewer. */
export function headerBlock(items: CardElement[], state: InteractionState): Container {
  return container(items, { style: state === 'acw' ? 'warning' : state === 'completed' ? 'default' : 'accent', bleed: true });
}

/**
 * Who is calling. While the call rings the line says so, with the caller's name when the data dip found
 * them (the linked contact, else a customer already known by a name), so the agent knows before picking up.
 */
export function callLine(view: CustomerCardView): string {
  const phone = displayPhone(view.interaction.ani);
  if (view.interaction.state !== 'offered') return `Inbound call from **${phone}**`;
  const person = view.current.find((r) => r.role === 'person');
  const name = person?.name ?? (view.customer && view.customer.name !== phone ? view.customer.name : undefined);
  return `Incoming call from ${name ? `**${plain(trimText(name, 80))}** · ` : ''}${name ? phone : `**${phone}**`} · ringing`;
}

export function stateWord(view: CustomerCardView): string {
  const state = view.interaction.state;
  if (state === 'active') return 'On call';
  if (state === 'acw') return 'After Call Work';
  return describeState(state).replace(/^./, (c) => c.toUpperCase());
}

export function duration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m ? `${m} min ${s} s` : `${s} s`;
}
