import { getCountryCallingCode, parsePhoneNumberFromString, PhoneNumber, type CountryCode, type E164Number } from 'libphonenumber-js';

/**
 * Normalizes a phone number as an agent or a telephony system writes it ("(206) 555-0142",
 * "+1 206.555.0142", "0044 20 7946 0958") to E.164 ("+12065550142"). Returns null when the text is not a
 * possible number in the default region.
 */
export function toE164(raw: string, defaultRegion: string): string | null {
  // No phone number is written this long (libphonenumber refuses longer input too): not parsed, not kept.
  if (raw.length > MAX_PHONE_TEXT) return null;
  return remembered(e164s, `${defaultRegion}\u0000${raw}`, () => {
    const e164 = parseE164(raw, defaultRegion);
    // An E.164 number normalizes to itself: the call's own number, normalized again downstream (the data
    // dip's Search for ANI), is then not parsed a second time.
    if (e164 && e164 !== raw && e164.length <= MAX_REMEMBERED_KEY) e164s.set(`${defaultRegion}\u0000${e164}`, e164);
    return e164;
  });
}

function parseE164(raw: string, defaultRegion: string): string | null {
  const cleaned = raw.trim().replace(/^00/, '+');
  // A North American number written with its country code is its own E.164, in any region: no parse (which
  // tries it against the 25 countries of +1; see displayPhone), and each call's own number is a new one.
  const digits = cleaned.replace(SEPARATORS, '');
  if (NANP.test(digits)) return digits;
  // The same number written nationally ("(206) 555-0142", "1 206 555 0142") in a region of +1 (the US, Canada, the
  // Caribbean's): how CRMs there keep phones, and agents type them. Its E.164 needs no parse either.
  if (NANP_NATIONAL.test(digits) && dialsPlusOne(defaultRegion)) return `+1${digits.slice(-10)}`;
  if (!/\d/.test(cleaned) || /[a-z]/i.test(cleaned.replace(/(ext\.?|x)\s*\d+$/i, ''))) return null;
  const parsed = parsePhoneNumberFromString(cleaned, defaultRegion as CountryCode);
  if (!parsed || !parsed.isPossible()) return null;
  return parsed.number;
}

/** Formats a number written with its country code ("+12065550142", "+1 (206) 555-0142") for people: "+1 206 555 0142". */
export function displayPhone(written: string): string {
  return remembered(displays, written, () => {
    // A North American number is formatted from its digits, without a parse: parsing tries it against the 25
    // countries of +1 to find its own, which the format does not depend on, and that was most of a Search for
    // ANI's time at a million contacts (each record read formats its phones, and few are seen twice).
    const digits = written.replace(SEPARATORS, '');
    if (NANP.test(digits)) return new PhoneNumber(digits as E164Number).formatInternational();
    const parsed = parsePhoneNumberFromString(written);
    return parsed ? parsed.formatInternational() : written;
  });
}

/** What people put between digits, and a parse skips. */
const SEPARATORS = /[\s().-]/g;
/** +1, an area code and a number that start with 2-9: no national prefix or short code to strip first. */
const NANP = /^\+1[2-9]\d{2}[2-9]\d{6}$/;

/** A North American number without its country code, or with the national prefix 1 instead. */
const NANP_NATIONAL = /^1?[2-9]\d{2}[2-9]\d{6}$/;

/** Whether a region's country calling code is 1 (asked of libphonenumber's metadata once per region). */
function dialsPlusOne(region: string): boolean {
  let answer = plusOneRegions.get(region);
  if (answer === undefined) {
    try {
      answer = getCountryCallingCode(region as CountryCode) === '1';
    } catch {
      answer = false; // not a region libphonenumber knows
    }
    if (plusOneRegions.size < 300) plusOneRegions.set(region, answer);
  }
  return answer;
}
const plusOneRegions = new Map<string, boolean>();

/** libphonenumber's own limit on what it parses (its MAX_INPUT_STRING_LENGTH). */
const MAX_PHONE_TEXT = 250;

// Parsing a number takes libphonenumber's metadata walk, and a card render formats the same few numbers
// many times (identifiers, duplicates, notices): the latest results are kept. Only short texts are kept,
// so the caches hold at most REMEMBERED × MAX_REMEMBERED_KEY characters each (about 0.4 MB), whatever
// people type: a number as people write it, with an extension, fits in 40.
const REMEMBERED = 5_000;
const MAX_REMEMBERED_KEY = 80;
const e164s = new Map<string, string | null>();
const displays = new Map<string, string>();

function remembered<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  if (key.length > MAX_REMEMBERED_KEY) return compute();
  if (cache.has(key)) return cache.get(key)!;
  const value = compute();
  if (cache.size >= REMEMBERED) cache.clear(); // a burst of new numbers: start over rather than track recency
  cache.set(key, value);
  return value;
}
