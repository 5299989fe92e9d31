/**
 * The Search API's query language as the local Zendesk reads it (Zendesk Support search reference): clauses
 * `[-][keyword(:|<|>)](value | "phrase")[*]`; a word matches itself and the start of longer words, not their
 * middle or end; a phrase its words in order. The reference says nothing about accents: this server does not
 * fold them ("garcia" does not find "García"), so a client must not count on it.
 */

export interface Clause {
  negated: boolean;
  keyword: string | null;
  op: ':' | '<' | '>';
  value: string;
  phrase: boolean;
  leadingStar: boolean;
  trailingStar: boolean;
}

/**
 * Splits a Search API query into clauses: [-][keyword(:|<|>)](value | "phrase"). A phrase ends at the next
 * double quote (Zendesk's phrases have no escape), so text that smuggles a quote changes the query.
 */
export function parseQuery(query: string): Clause[] {
  const clauses: Clause[] = [];
  let i = 0;
  while (i < query.length) {
    while (i < query.length && /\s/.test(query[i]!)) i++;
    if (i >= query.length) break;
    let negated = false;
    if (query[i] === '-') {
      negated = true;
      i++;
    }
    let keyword: string | null = null;
    let op: Clause['op'] = ':';
    const kw = /^([A-Za-z_][A-Za-z0-9_]*)([:<>])/.exec(query.slice(i));
    if (kw) {
      keyword = kw[1]!.toLowerCase();
      op = kw[2] as Clause['op'];
      i += kw[0].length;
    }
    let value = '';
    let phrase = false;
    let leadingStar = false;
    if (query[i] === '*' && query[i + 1] !== undefined && !/\s/.test(query[i + 1]!)) {
      leadingStar = true;
      i++;
    }
    if (query[i] === '"') {
      phrase = true;
      const end = query.indexOf('"', i + 1);
      value = query.slice(i + 1, end < 0 ? query.length : end);
      i = end < 0 ? query.length : end + 1;
    }
    const rest = /^\S*/.exec(query.slice(i))![0];
    value += rest;
    i += rest.length;
    const trailingStar = value.endsWith('*');
    if (trailingStar) value = value.slice(0, -1);
    clauses.push({ negated, keyword, op, value, phrase, leadingStar, trailingStar });
  }
  return clauses;
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * A word matches a stored word it is the start of ("top" finds "top", "Top Ten" and "Toppings", not
 * "Desktop"); a phrase matches its words in order, the last one as the start of a word only with a `*`.
 */
export function textMatches(stored: string, clause: Clause): boolean {
  const have = words(stored);
  const want = words(clause.value);
  if (want.length === 0) return false;
  if (!clause.phrase) {
    if (clause.leadingStar) return want.length === 1 && have.some((w) => w.endsWith(want[0]!));
    return want.every((w) => have.some((h) => h.startsWith(w)));
  }
  for (let start = 0; start + want.length <= have.length; start++) {
    if (want.every((w, k) => (k === want.length - 1 && clause.trailingStar ? have[start + k]!.startsWith(w) : have[start + k] === w))) return true;
  }
  return false;
}
