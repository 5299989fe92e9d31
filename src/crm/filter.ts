/**
 * Custom Search filters: our own small grammar, translated by each connector into its query language, so
 * no user text ever reaches a CRM query unescaped.
 *
 *   filter     := or
 *   or         := and ("or" and)*
 *   and        := unary ("and" unary)*
 *   unary      := "(" or ")" | comparison
 *   comparison := FIELD OP VALUE
 *   FIELD      := letters, digits, "_" and "." (starting with a letter)
 *   OP         := "=" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "startswith"
 *   VALUE      := "double-quoted text" (\" and \\ escape) | number | true | false | null
 *
 * Keywords are case-insensitive, and so are text comparisons, except on identifiers ("id" and fields ending
 * in "Id"), which are exact; matchesFilter (the embedded CRM's) ignores accents too ("García" = "garcia"),
 * other CRMs as far as their own search does. Example: status != "Closed" and (subject contains "shipment" or priority = "High")
 */
import { foldText } from './textFold.js';

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'startswith';
export type FilterValue = string | number | boolean | null;

export type FilterExpr = { kind: 'cmp'; field: string; op: ComparisonOp; value: FilterValue } | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr };

export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    readonly token: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'FilterSyntaxError';
  }
}

interface Token {
  kind: 'field' | 'op' | 'value' | 'and' | 'or' | 'lparen' | 'rparen' | 'end';
  text: string;
  value?: FilterValue;
  position: number;
}

const WORD_OPS = new Set(['contains', 'startswith']);
const MAX_FILTER_LENGTH = 2000;

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch === '(' ? 'lparen' : 'rparen', text: ch, position: start });
      i++;
    } else if (ch === '"') {
      let text = '';
      i++;
      for (;;) {
        if (i >= input.length) throw new FilterSyntaxError('unterminated text value', input.slice(start), start);
        const c = input[i]!;
        if (c === '\\') {
          const next = input[i + 1];
          if (next !== '"' && next !== '\\') {
            throw new FilterSyntaxError('only \\" and \\\\ may follow a backslash', input.slice(i, i + 2), i);
          }
          text += next;
          i += 2;
        } else if (c === '"') {
          i++;
          break;
        } else {
          text += c;
          i++;
        }
      }
      tokens.push({ kind: 'value', text: input.slice(start, i), value: text, position: start });
    } else if (/[=!<>]/.test(ch)) {
      const two = input.slice(i, i + 2);
      const op = ['!=', '<=', '>='].includes(two) ? two : ch === '!' ? null : ch;
      if (!op) throw new FilterSyntaxError('unknown operator', /^\S+/.exec(input.slice(i))![0].slice(0, 2), start);
      tokens.push({ kind: 'op', text: op, position: start });
      i += op.length;
    } else if (/[-0-9]/.test(ch)) {
      const match = /^-?\d+(\.\d+)?/.exec(input.slice(i));
      if (!match) throw new FilterSyntaxError('bad number', ch, start);
      tokens.push({ kind: 'value', text: match[0], value: Number(match[0]), position: start });
      i += match[0].length;
    } else if (/[A-Za-z]/.test(ch)) {
      const match = /^[A-Za-z][A-Za-z0-9_.]*/.exec(input.slice(i))!;
      const word = match[0];
      const lower = word.toLowerCase();
      if (lower === 'and' || lower === 'or') tokens.push({ kind: lower, text: word, position: start });
      else if (WORD_OPS.has(lower)) tokens.push({ kind: 'op', text: lower, position: start });
      else if (lower === 'true' || lower === 'false') tokens.push({ kind: 'value', text: word, value: lower === 'true', position: start });
      else if (lower === 'null') tokens.push({ kind: 'value', text: word, value: null, position: start });
      else tokens.push({ kind: 'field', text: word, position: start });
      i += word.length;
    } else {
      const bad = /^\S+/.exec(input.slice(i))![0];
      throw new FilterSyntaxError('unexpected character', bad, start);
    }
  }
  tokens.push({ kind: 'end', text: '', position: input.length });
  return tokens;
}

/** Parses a filter; throws FilterSyntaxError naming the bad token. */
export function parseFilter(input: string): FilterExpr {
  if (input.length > MAX_FILTER_LENGTH) {
    throw new FilterSyntaxError(`filter longer than ${MAX_FILTER_LENGTH} characters`, '', MAX_FILTER_LENGTH);
  }
  const tokens = tokenize(input);
  let pos = 0;
  const peek = () => tokens[pos]!;
  const take = () => tokens[pos++]!;
  const fail = (what: string, token: Token): never => {
    throw new FilterSyntaxError(`expected ${what}`, token.text || 'end of filter', token.position);
  };

  const parseOr = (): FilterExpr => {
    let left = parseAnd();
    while (peek().kind === 'or') {
      take();
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterExpr => {
    let left = parseUnary();
    while (peek().kind === 'and') {
      take();
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): FilterExpr => {
    const token = take();
    if (token.kind === 'lparen') {
      const inner = parseOr();
      const close = take();
      if (close.kind !== 'rparen') fail('")"', close);
      return inner;
    }
    if (token.kind !== 'field') fail('a field name', token);
    const op = take();
    if (op.kind !== 'op') fail('an operator (=, !=, <, <=, >, >=, contains, startswith)', op);
    const value = take();
    if (value.kind !== 'value') fail('a value ("text", number, true, false or null)', value);
    return { kind: 'cmp', field: token.text, op: op.text as ComparisonOp, value: value.value ?? null };
  };

  const expr = parseOr();
  if (peek().kind !== 'end') fail('"and", "or" or the end of the filter', peek());
  return expr;
}

/**
 * How a CRM's fields compare, where it differs from the grammar's defaults: which fields are identifiers
 * (compared exactly; by default "id" and names ending in "Id"), and which compare in an order of their own
 * (Zendesk's ticket statuses and priorities) rather than as text.
 */
export interface ComparisonRules {
  isIdentifier?: (field: string) => boolean;
  orderOf?: (field: string) => readonly string[] | undefined;
}

const defaultIdentifier = (field: string) => field === 'id' || field.endsWith('Id');

/**
 * Evaluates a filter against one record's fields: the embedded CRM's query, and the exact check of what a
 * CRM's looser search answered (Zendesk). Identifiers compare exactly (real CRMs' ids are case-sensitive);
 * other text without regard to case or accents, as people type it; a number equals its text; null equals
 * an empty value.
 */
export function matchesFilter(expr: FilterExpr, get: (field: string) => unknown, rules: ComparisonRules = {}): boolean {
  if (expr.kind !== 'cmp') {
    return expr.kind === 'and' ? matchesFilter(expr.left, get, rules) && matchesFilter(expr.right, get, rules) : matchesFilter(expr.left, get, rules) || matchesFilter(expr.right, get, rules);
  }
  const actual = get(expr.field) ?? null;
  const expected = expr.value;
  const text = (v: unknown) => foldText(String(v ?? ''));
  const exact = (rules.isIdentifier ?? defaultIdentifier)(expr.field);
  const equal = () =>
    expected === null
      ? actual === null || actual === ''
      : typeof expected === 'string'
        ? exact
          ? String(actual ?? '') === expected
          : text(actual) === text(expected)
        : typeof expected === 'number'
          ? actual !== null && actual !== '' && Number(actual) === expected
          : actual === expected || text(actual) === String(expected);
  switch (expr.op) {
    case '=':
      return equal();
    case '!=':
      return !equal();
    case 'contains':
      return expected !== null && text(actual).includes(text(expected));
    case 'startswith':
      return expected !== null && text(actual).startsWith(text(expected));
    default:
      return ordered(expr.op, actual, expected, rules.orderOf?.(expr.field));
  }
}

/** <, <=, >, >=: in the field's own order when it has one, as numbers against a number, else as text. */
function ordered(op: '<' | '<=' | '>' | '>=', actual: unknown, expected: FilterValue, order: readonly string[] | undefined): boolean {
  if (actual === null || expected === null) return false;
  let a: number | string;
  let b: number | string;
  if (order) {
    a = order.indexOf(String(actual).toLowerCase());
    b = order.indexOf(String(expected).toLowerCase());
    if (a < 0 || b < 0) return false;
  } else if (typeof expected === 'number') {
    a = Number(actual);
    b = expected;
    if (Number.isNaN(a)) return false;
  } else {
    a = String(actual);
    b = String(expected);
  }
  if (op === '<') return a < b;
  if (op === '<=') return a <= b;
  if (op === '>') return a > b;
  return a >= b;
}

/** The equality comparisons that must all hold for the filter to match (used to pick an index). */
export function requiredEqualities(expr: FilterExpr): Array<{ field: string; value: FilterValue }> {
  if (expr.kind === 'cmp') return expr.op === '=' ? [{ field: expr.field, value: expr.value }] : [];
  return expr.kind === 'and' ? [...requiredEqualities(expr.left), ...requiredEqualities(expr.right)] : [];
}

/** The contains / startswith comparisons on text that must all hold for the filter to match (an index may serve them). */
export function requiredTextSearches(expr: FilterExpr): Array<{ field: string; op: 'contains' | 'startswith'; value: string }> {
  if (expr.kind === 'cmp') {
    return (expr.op === 'contains' || expr.op === 'startswith') && typeof expr.value === 'string' ? [{ field: expr.field, op: expr.op, value: expr.value }] : [];
  }
  return expr.kind === 'and' ? [...requiredTextSearches(expr.left), ...requiredTextSearches(expr.right)] : [];
}
