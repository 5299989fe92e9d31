import type { Customer } from '../domain/customer.js';
import type { CustomerView } from '../domain/customerCard.js';
import type { Interaction, InteractionRecordLink } from '../domain/interaction.js';
import { displayPhone, toE164 } from '../domain/phone.js';
import type { Repositories } from '../store/unitOfWork.js';

const MAX_DUPLICATES = 8;

/** Whether a record on the card is someone (a person or a lead): the customer may be named after them. */
export function isSomeone(link: Pick<InteractionRecordLink, 'role'>): boolean {
  return link.role === 'person' || link.role === 'lead';
}

/**
 * The customer behind an interaction as its card shows it: name, identifiers, how many interactions, and
 * the other cards that may be the same person (same name as a linked person, one of their phones or
 * emails, or what the agent searched for), for the merge dialog. `held`: the customer as the caller just
 * read or created it (not read again), with `heldCount` its interactions when the caller knows it.
 */
export async function customerView(
  customers: Repositories['customers'],
  interaction: Interaction,
  links: InteractionRecordLink[],
  defaultRegion: string,
  duplicateQuery?: string,
  held?: Customer,
  heldCount?: number,
): Promise<CustomerView | null> {
  if (!interaction.customerId) return null;
  // Not held: the customer and their interaction count in one read.
  const read = held?.id === interaction.customerId ? undefined : await customers.findWithCount(interaction.customerId);
  const customer = read ?? (held?.id === interaction.customerId ? held : undefined);
  if (!customer) return null;
  const count = read ? read.interactionCount : heldCount;
  // Likely the same person: the same name as a linked person, or one of their phones or emails.
  const people = links.filter((l) => l.linked && isSomeone(l));
  const values = people.flatMap((p) => [...(p.canonical?.phones ?? []).map((phone) => toE164(phone, defaultRegion) ?? phone), ...(p.canonical?.email ? [p.canonical.email.toLowerCase()] : [])]);
  const names = [customer.name, ...people.map((p) => p.label)];
  const byText = duplicateQuery ? (toE164(duplicateQuery, defaultRegion) ?? duplicateQuery.toLowerCase()) : undefined;
  const duplicates = interaction.state === 'completed' ? [] : await customers.likelyDuplicates(customer.id, { names, values, text: byText }, MAX_DUPLICATES);
  return {
    id: customer.id,
    name: customer.name,
    identifiers: customer.identifiers.map((i) => (i.kind === 'phone' ? displayPhone(i.value) : i.value)),
    interactions: count ?? (await customers.interactionCount(customer.id)),
    duplicates: duplicates.map((d) => ({ id: d.id, name: d.name, identifiers: d.identifiers.map((i) => (i.kind === 'phone' ? displayPhone(i.value) : i.value)) })),
    duplicateQuery,
  };
}
