import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Normalizes a phone number as an agent or a telephony system writes it ("(206) 555-0142",
 * "+1 206.555.0142", "0044 20 7946 0958") to E.164 ("+12065550142"). Returns null when the text is not a
 * possible number in the default region.
 */
export function toE164(raw: string, defaultRegion: string): string | null {
  return remembered(e164s, `${defaultRegion}\u0000${raw}`, () => parseE164(raw, defaultRegion));
}

function parseE164(raw: string, defaultRegion: string): string | null {
  const cleaned = raw.trim().replace(/^00/, '+');
  if (!/\d/.test(cleaned) || /[a-z]/i.test(cleaned.replace(/(ext\.?|x)\s*\d+$/i, ''))) return null;
  const parsed = parsePhoneNumberFromString(cleaned, defaultRegion as CountryCode);
  if (!parsed || !parsed.isPossible()) return null;
  return parsed.number;
}

/** Formats an E.164 number for people: "+1 206 555 0142". */
export function displayPhone(e164: string): string {
  return remembered(displays, e164, () => {
    const parsed = parsePhoneNumberFromString(e164);
    return parsed ? parsed.formatInternational() : e164;
  });
}

// Parsing a number takes libphonenumber's metadata walk, and a card render formats the same few numbers
// many times (identifiers, duplicates, notices): the latest results are kept.
const REMEMBERED = 5_000;
const e164s = new Map<string, string | null>();
const displays = new Map<string, string>();

function remembered<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  if (cache.has(key)) return cache.get(key)!;
  const value = compute();
  if (cache.size >= REMEMBERED) cache.clear(); // a burst of new numbers: start over rather than track recency
  cache.set(key, value);
  return value;
}
