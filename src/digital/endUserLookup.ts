import { z } from 'zod';
import type { CustomerIdentifier } from '../domain/customer.js';
import type { EndUserIdentity } from '../domain/digital.js';
import { toE164 } from '../domain/phone.js';
import type { DipIdentity } from '../interactions/dataDipScript.js';

/** Search for ANI's own check of an email (src/workflows/search.ts): what it takes, this takes. */
const email = z.string().email().max(254);

/**
 * How the CRM and the customer cards know an end user: their id on the platform when it is an email or a
 * phone number (an SMS channel's authors are numbers), else what DIGITAL_IDENTITY_MAP maps it to. None of
 * these: the data dip has nothing to search by, and the customer card is known by (channel, platform id).
 */
export function endUserLookup(author: EndUserIdentity, identityMap: ReadonlyMap<string, string>, defaultRegion: string): DipIdentity | null {
  return identityOf(author.idOnExternalPlatform.trim(), defaultRegion) ?? identityOf(identityMap.get(author.idOnExternalPlatform)?.trim() ?? '', defaultRegion);
}

function identityOf(value: string, defaultRegion: string): DipIdentity | null {
  if (!value) return null;
  if (email.safeParse(value).success) return { email: value.toLowerCase() };
  const phone = toE164(value, defaultRegion);
  return phone ? { phoneNumber: phone } : null;
}

/** The customer identifier of an end user: their email or phone as the lookup found it, else their id on the channel. */
export function customerIdentifierOf(lookup: DipIdentity | null, channelId: string, author: EndUserIdentity): CustomerIdentifier {
  if (lookup && 'email' in lookup) return { kind: 'email', value: lookup.email };
  if (lookup) return { kind: 'phone', value: lookup.phoneNumber };
  return { kind: 'channel', value: `${channelId}:${author.idOnExternalPlatform}` };
}

/** What the digital interaction's `ani` holds: the identity the data dip searched by, else the platform id. */
export function aniOf(lookup: DipIdentity | null, author: EndUserIdentity): string {
  if (lookup && 'email' in lookup) return lookup.email;
  if (lookup) return lookup.phoneNumber;
  return author.idOnExternalPlatform;
}
