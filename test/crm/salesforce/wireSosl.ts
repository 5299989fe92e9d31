import { escapeRegex, lex, Parser, QueryError, resolvePath, select, shapeRecord, type OrgView, type Selection, type SoqlQuery, type StoredRecord } from './wireQuery.js';
import { TEXT_TYPES, type ObjectDef } from './wireSchema.js';

/**
 * The SOSL of the wire server, per the SOQL and SOSL Reference ("FIND {SearchQuery}", "IN SearchGroup",
 * "RETURNING FieldSpec"): FIND {term} [IN ALL|NAME|EMAIL|PHONE FIELDS] RETURNING Object(fields [WHERE]
 * [ORDER BY] [LIMIT]) [, ...] [LIMIT n].
 * - The term: words and "phrases", * and ? wildcards (not at a word's start), AND, OR, AND NOT / NOT, and
 *   parentheses to group; words side by side are AND-ed ("in most cases if an operator isn't specified, AND
 *   is the default"). Every other reserved character (? & | ! { } [ ] ( ) ^ ~ * : \ " ' + -) must be escaped
 *   with a backslash; an unescaped one is MALFORMED_SEARCH. The docs say terms are "evaluated from left to
 *   right" and are silent on AND/OR precedence: this server binds AND tighter than OR (callers that mix
 *   them should use parentheses, as the docs' examples do).
 * - Matching is case-insensitive on tokens (runs of letters and digits); a wildcard takes the place of
 *   letters or digits. The docs are silent on accents: this server matches them exactly (García is not
 *   garcia), the strict reading. Phone fields match on digits, tolerating a country code or trunk prefix
 *   (Salesforce's index is lenient in the same direction; callers filter what they get).
 * - An object the user may not read is "not supported" (INVALID_TYPE), as SOQL answers; the SOSL docs are
 *   silent on what RETURNING an object without Read permission answers: this server says the same as SOQL.
 */

type SearchGroup = 'ALL' | 'NAME' | 'EMAIL' | 'PHONE';
type SearchChar = { c: string; escaped: boolean };
/** One search term: a word or a "phrase", with its wildcards. */
type SearchUnit = { chars: SearchChar[] };
type TermExpr = { k: 'unit'; unit: SearchUnit } | { k: 'and' | 'or'; items: TermExpr[] } | { k: 'not'; item: TermExpr };

export interface SoslQuery {
  term: TermExpr;
  searchGroup: SearchGroup;
  returning: Array<{ object: ObjectDef; selection: Selection; clauses: Pick<SoqlQuery, 'where' | 'orderBy' | 'limit' | 'offset'> }>;
  limit?: number;
}

const SOSL_RESERVED = new Set('?&|!{}[]()^~*:\\"\'+-'.split(''));
const malformedSearch = (message: string) => new QueryError('MALFORMED_SEARCH', message);

/** Reads the FIND {...} term up to its unescaped closing brace. */
function readTerm(text: string, start: number): { chars: SearchChar[]; end: number } {
  const chars: SearchChar[] = [];
  let i = start;
  for (;;) {
    if (i >= text.length) throw malformedSearch('No search term found. The search term must be enclosed in braces.');
    const c = text[i]!;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined) throw malformedSearch('line 1: a backslash ends the search term');
      chars.push({ c: next, escaped: true });
      i += 2;
      continue;
    }
    if (c === '}') return { chars, end: i + 1 };
    chars.push({ c, escaped: false });
    i++;
  }
}

type TermToken = SearchUnit | '(' | ')' | 'AND' | 'OR' | 'NOT';

/** The term's words, phrases, operators and parentheses, refusing unescaped reserved characters. */
function termTokens(chars: SearchChar[]): TermToken[] {
  const tokens: TermToken[] = [];
  let current: SearchChar[] = [];
  let inPhrase = false;
  const flush = () => {
    if (current.length === 0) return;
    const word = current.map((ch) => ch.c).join('');
    const plain = current.every((ch) => !ch.escaped);
    if (plain && /^(OR|AND|NOT)$/i.test(word)) tokens.push(word.toUpperCase() as 'OR' | 'AND' | 'NOT');
    else tokens.push({ chars: current });
    current = [];
  };
  for (const ch of chars) {
    if (!ch.escaped && ch.c === '"') {
      if (inPhrase) {
        tokens.push({ chars: current });
        current = [];
      } else flush();
      inPhrase = !inPhrase;
      continue;
    }
    if (!ch.escaped && !inPhrase && (/\s/.test(ch.c) || ch.c === '(' || ch.c === ')')) {
      flush();
      if (ch.c === '(' || ch.c === ')') tokens.push(ch.c);
      continue;
    }
    if (!ch.escaped && SOSL_RESERVED.has(ch.c) && ch.c !== '*' && ch.c !== '?') {
      throw malformedSearch(`line 1: unexpected reserved character '${ch.c}' in the search term; escape it with a backslash`);
    }
    current.push(ch);
  }
  if (inPhrase) throw malformedSearch('line 1: unterminated phrase in the search term');
  flush();
  return tokens;
}

/** or := and (OR and)* ; and := unary ([AND] unary)* ; unary := NOT unary | ( or ) | word. */
function parseTerm(tokens: TermToken[]): TermExpr {
  let pos = 0;
  const incomplete = () => malformedSearch('line 1: incomplete search expression');
  const or = (): TermExpr => {
    const items = [and()];
    while (tokens[pos] === 'OR') {
      pos++;
      items.push(and());
    }
    return items.length === 1 ? items[0]! : { k: 'or', items };
  };
  const and = (): TermExpr => {
    const items = [unary()];
    while (pos < tokens.length && tokens[pos] !== 'OR' && tokens[pos] !== ')') {
      if (tokens[pos] === 'AND') pos++;
      items.push(unary());
    }
    return items.length === 1 ? items[0]! : { k: 'and', items };
  };
  const unary = (): TermExpr => {
    const token = tokens[pos++];
    if (token === undefined || token === ')' || token === 'AND' || token === 'OR') throw incomplete();
    if (token === 'NOT') return { k: 'not', item: unary() };
    if (token === '(') {
      const inner = or();
      if (tokens[pos++] !== ')') throw malformedSearch('line 1: unbalanced parentheses in the search term');
      return inner;
    }
    const text = token.chars.map((ch) => ch.c).join('');
    if (text.replace(/[*?]/g, '').length < 2) throw malformedSearch('search term must be longer than one character');
    if (!token.chars[0]!.escaped && (text.startsWith('*') || text.startsWith('?'))) throw malformedSearch('line 1: a wildcard cannot begin a search term');
    return { k: 'unit', unit: token };
  };
  const expr = or();
  if (pos < tokens.length) throw malformedSearch('line 1: unbalanced parentheses in the search term');
  if (expr.k === 'not') throw incomplete();
  return expr;
}

export function parseSosl(text: string, hidden?: ReadonlySet<string>): SoslQuery {
  const find = /^\s*FIND\s*\{/i.exec(text);
  if (!find) throw malformedSearch('unexpected token: expecting FIND {');
  const read = readTerm(text, find[0].length);
  const term = parseTerm(termTokens(read.chars));
  let rest = text.slice(read.end);
  let searchGroup: SearchGroup = 'ALL';
  const inClause = /^\s*IN\s+(ALL|NAME|EMAIL|PHONE)\s+FIELDS\b/i.exec(rest);
  if (inClause) {
    searchGroup = inClause[1]!.toUpperCase() as SearchGroup;
    rest = rest.slice(inClause[0].length);
  }
  const parser = new Parser(lex(rest), hidden);
  const returning: SoslQuery['returning'] = [];
  let limit: number | undefined;
  if (!parser.isWord('RETURNING')) throw malformedSearch('this server needs a RETURNING clause');
  parser.next();
  do {
    if (returning.length > 0) parser.next();
    const object = parser.object();
    let selection: Selection = { paths: [resolvePath(object, 'Id')] };
    let clauses: Pick<SoqlQuery, 'where' | 'orderBy' | 'limit' | 'offset'> = { orderBy: [] };
    const open = parser.peek();
    if (open.k === 'punct' && open.v === '(') {
      parser.next();
      selection = parser.resolveSelection(object, parser.selection());
      clauses = parser.clauses(object);
      parser.expectPunct(')');
    }
    returning.push({ object, selection, clauses });
  } while (parser.peek().k === 'punct' && (parser.peek() as { v: string }).v === ',');
  if (parser.isWord('LIMIT')) {
    parser.next();
    limit = parser.integer();
  }
  parser.end();
  return { term, searchGroup, returning, limit };
}

const tokensOf = (text: string) =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** A unit's tokens as patterns: * and ? are wildcards unless escaped. */
function unitPatterns(unit: SearchUnit): RegExp[] {
  const patterns: RegExp[] = [];
  let source = '';
  const push = () => {
    if (source) patterns.push(new RegExp(`^${source}$`, 'iu'));
    source = '';
  };
  for (const ch of unit.chars) {
    if (!ch.escaped && ch.c === '*') source += '[\\p{L}\\p{N}]*';
    else if (!ch.escaped && ch.c === '?') source += '[\\p{L}\\p{N}]';
    else if (/[\p{L}\p{N}]/u.test(ch.c)) source += escapeRegex(ch.c.toLowerCase());
    else push();
  }
  push();
  return patterns;
}

function unitMatchesField(unit: SearchUnit, group: SearchGroup, value: string): boolean {
  if (group === 'PHONE') {
    const wanted = unit.chars
      .map((ch) => ch.c)
      .join('')
      .replace(/\D/g, '');
    const stored = value.replace(/\D/g, '');
    if (wanted.length < 2 || stored.length < 2) return false;
    return stored === wanted || (wanted.length >= 7 && stored.length >= 7 && (stored.endsWith(wanted) || wanted.endsWith(stored)));
  }
  const patterns = unitPatterns(unit);
  const tokens = tokensOf(value);
  if (patterns.length === 0) return false;
  for (let i = 0; i + patterns.length <= tokens.length; i++) {
    if (patterns.every((p, j) => p.test(tokens[i + j]!))) return true;
  }
  return false;
}

function searchableFields(object: ObjectDef, group: SearchGroup): string[] {
  return Object.entries(object.fields)
    .filter(([, def]) => (group === 'PHONE' ? def.type === 'phone' : group === 'EMAIL' ? def.type === 'email' : group === 'NAME' ? def.nameField === true : TEXT_TYPES.has(def.type)))
    .map(([field]) => field);
}

function termMatches(term: TermExpr, test: (unit: SearchUnit) => boolean): boolean {
  switch (term.k) {
    case 'unit':
      return test(term.unit);
    case 'and':
      return term.items.every((item) => termMatches(item, test));
    case 'or':
      return term.items.some((item) => termMatches(item, test));
    case 'not':
      return !termMatches(term.item, test);
  }
}

export function runSosl(org: OrgView, query: SoslQuery, apiBase: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const { object, selection, clauses } of query.returning) {
    const fields = searchableFields(object, query.searchGroup);
    const unitMatches = (record: StoredRecord) => (unit: SearchUnit) =>
      fields.some((f) => typeof record.fields[f] === 'string' && unitMatchesField(unit, query.searchGroup, record.fields[f] as string));
    const hits = select(org, object, { ...clauses, limit: undefined, offset: undefined }).filter((record) => termMatches(query.term, unitMatches(record)));
    const from = clauses.offset ?? 0;
    const kept = hits.slice(from, clauses.limit === undefined ? undefined : from + clauses.limit);
    out.push(...kept.map((record) => shapeRecord(record, selection, org, apiBase)));
  }
  return query.limit === undefined ? out : out.slice(0, query.limit);
}
