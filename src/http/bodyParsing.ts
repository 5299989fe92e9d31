import type { BodyFormat } from './contentTypes.js';

/** How deep JSON may nest: an activity is a handful of levels; thousands only exhaust whoever walks it. */
export const MAX_JSON_DEPTH = 64;

export type ParsedBody = { ok: true; body: unknown } | { ok: false; problem: string };

/** Parses a body read whole, in the format its Content-Type named. */
export function parseBody(text: string, format: BodyFormat): ParsedBody {
  if (format === 'application/x-www-form-urlencoded') return { ok: true, body: parseForm(text) };
  // CSV is read by the route that takes it (its own lines and quoting): the text is the body.
  if (format === 'text/csv') return { ok: true, body: text };
  if (jsonDepth(text) > MAX_JSON_DEPTH) return { ok: false, problem: `the JSON nests deeper than ${MAX_JSON_DEPTH} levels` };
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false, problem: 'the body is not valid JSON' };
  }
}

/** A form as an object with no prototype (a field named `__proto__` is just a field); a repeated field keeps its last value. */
function parseForm(text: string): Record<string, string> {
  const fields: Record<string, string> = Object.create(null);
  for (const [name, value] of new URLSearchParams(text)) fields[name] = value;
  return fields;
}

/** The deepest nesting of arrays and objects in JSON text, counted without parsing (brackets inside strings do not count). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}
