import { isLookup, type ColumnDef, type TableDef } from './dataverseSchema.js';
import { ODataError, tokenize, type Edm, type Token, type Value } from './odataTokens.js';

export { ODataError };

/**
 * The part of OData 4.0 $filter and $orderby that Dataverse runs, evaluated the way Dataverse evaluates it:
 * text compares without regard to case or accents (SQL collation _CI_AI), contains/startswith/endswith are SQL LIKE patterns
 * (% _ [] [^] are wildcards, a bracketed one is literal), comparisons with null follow OData (null eq null),
 * parameter aliases (@p1) come from the query string, and a value of the wrong type, an unknown property or
 * a syntax error is a 400 with ODataLib's message. A filter whose quotes were not doubled fails to parse or
 * changes its meaning here exactly as it would in Dataverse.
 */

type Node =
  | { kind: 'literal'; value: Value; edm: Edm }
  | { kind: 'property'; name: string; column: ColumnDef }
  | { kind: 'compare'; op: string; left: Node; right: Node }
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'not'; operand: Node }
  | { kind: 'function'; name: string; args: Node[] };

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['contains', 'startswith', 'endswith']);

export class FilterParser {
  private tokens: Token[] = [];
  private pos = 0;

  constructor(
    private readonly table: TableDef,
    private readonly aliases: ReadonlyMap<string, string>,
  ) {}

  parse(input: string): Node {
    this.tokens = tokenize(input);
    this.pos = 0;
    const node = this.or(input);
    if (this.pos < this.tokens.length) throw new ODataError(`Syntax error at position ${this.tokens[this.pos]!.position} in '${input}'.`);
    return node;
  }

  private peekWord(word: string): boolean {
    const t = this.tokens[this.pos];
    return t?.kind === 'word' && t.text === word;
  }

  private or(input: string): Node {
    let left = this.and(input);
    while (this.peekWord('or')) {
      this.pos++;
      left = { kind: 'or', left, right: this.and(input) };
    }
    return left;
  }

  private and(input: string): Node {
    let left = this.not(input);
    while (this.peekWord('and')) {
      this.pos++;
      left = { kind: 'and', left, right: this.not(input) };
    }
    return left;
  }

  private not(input: string): Node {
    if (this.peekWord('not')) {
      this.pos++;
      return { kind: 'not', operand: this.not(input) };
    }
    return this.comparison(input);
  }

  private comparison(input: string): Node {
    const left = this.primary(input);
    const t = this.tokens[this.pos];
    if (t?.kind === 'word' && COMPARISONS.has(t.text)) {
      this.pos++;
      const right = this.primary(input);
      checkTypes(t.text, left, right);
      return { kind: 'compare', op: t.text, left, right };
    }
    return left;
  }

  private primary(input: string): Node {
    const t = this.tokens[this.pos++];
    if (!t) throw new ODataError(`Syntax error at position ${input.length} in '${input}'.`);
    if (t.kind === 'open') {
      const inner = this.or(input);
      if (this.tokens[this.pos++]?.kind !== 'close') throw new ODataError(`')' or operator expected at position ${t.position} in '${input}'.`);
      return inner;
    }
    if (t.kind === 'literal') return { kind: 'literal', value: t.value!, edm: t.edm! };
    if (t.kind === 'alias') return this.aliasValue(t.text);
    if (t.kind === 'word') {
      if (t.text === 'null') return { kind: 'literal', value: null, edm: 'null' };
      if (t.text === 'true' || t.text === 'false') return { kind: 'literal', value: t.text === 'true', edm: 'Edm.Boolean' };
      if (this.tokens[this.pos]?.kind === 'open') return this.call(t.text, input);
      return this.property(t.text);
    }
    throw new ODataError(`Syntax error at position ${t.position} in '${input}'.`);
  }

  private call(name: string, input: string): Node {
    if (!FUNCTIONS.has(name))
      throw new ODataError(`An unknown function with name '${name}' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.`);
    this.pos++;
    const args: Node[] = [this.or(input)];
    while (this.tokens[this.pos]?.kind === 'comma') {
      this.pos++;
      args.push(this.or(input));
    }
    if (this.tokens[this.pos++]?.kind !== 'close') throw new ODataError(`')' or ',' expected in '${input}'.`);
    const [subject, pattern] = args;
    if (args.length !== 2 || edmOf(subject!) !== 'Edm.String' || !['Edm.String', 'null'].includes(edmOf(pattern!))) {
      throw new ODataError(
        `No function signature for the function with name '${name}' matches the specified arguments. The function signatures considered are: ${name}(Edm.String Nullable=true, Edm.String Nullable=true).`,
      );
    }
    return { kind: 'function', name, args };
  }

  private property(name: string): Node {
    const lookup = /^_(.+)_value$/.exec(name);
    const column = lookup ? this.table.columns[lookup[1]!] : this.table.columns[name];
    if (!column || (lookup ? !isLookup(column) : isLookup(column))) {
      throw new ODataError(`Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.${this.table.logicalName}'.`);
    }
    return { kind: 'property', name, column };
  }

  /** An alias's value is itself an expression (here: a literal or a property); an unassigned alias is null. */
  private aliasValue(name: string): Node {
    const raw = this.aliases.get(name);
    if (raw === undefined) return { kind: 'literal', value: null, edm: 'null' };
    const tokens = tokenize(raw);
    if (tokens.length !== 1) throw new ODataError(`Syntax error in the value of parameter alias '${name}': '${raw}'.`);
    const t = tokens[0]!;
    if (t.kind === 'literal') return { kind: 'literal', value: t.value!, edm: t.edm! };
    if (t.kind === 'word') {
      if (t.text === 'null') return { kind: 'literal', value: null, edm: 'null' };
      if (t.text === 'true' || t.text === 'false') return { kind: 'literal', value: t.text === 'true', edm: 'Edm.Boolean' };
      return this.property(t.text);
    }
    throw new ODataError(`Syntax error in the value of parameter alias '${name}': '${raw}'.`);
  }
}

function columnEdm(column: ColumnDef): Edm {
  switch (column.type) {
    case 'String':
    case 'Memo':
    case 'EntityName':
      return 'Edm.String';
    case 'Integer':
    case 'Picklist':
    case 'State':
    case 'Status':
      return 'Edm.Int32';
    case 'BigInt':
      return 'Edm.Int64';
    case 'Money':
    case 'Decimal':
      return 'Edm.Decimal';
    case 'Boolean':
      return 'Edm.Boolean';
    case 'DateTime':
      return 'Edm.DateTimeOffset';
    default:
      return 'Edm.Guid';
  }
}

function edmOf(node: Node): Edm {
  if (node.kind === 'literal') return node.edm;
  if (node.kind === 'property') return columnEdm(node.column);
  return 'Edm.Boolean';
}

const NUMERIC = new Set<Edm>(['Edm.Int32', 'Edm.Int64', 'Edm.Decimal']);
const OPERATOR_KINDS: Record<string, string> = { eq: 'Equal', ne: 'NotEqual', gt: 'GreaterThan', ge: 'GreaterThanOrEqual', lt: 'LessThan', le: 'LessThanOrEqual' };

function checkTypes(op: string, left: Node, right: Node): void {
  const a = edmOf(left);
  const b = edmOf(right);
  if (a === 'null' || b === 'null' || a === b || (NUMERIC.has(a) && NUMERIC.has(b))) return;
  throw new ODataError(`A binary operator with incompatible types was detected. Found operand types '${a}' and '${b}' for operator kind '${OPERATOR_KINDS[op]}'.`);
}

/** How a row gives the value of a property ("_x_value" for lookups, dates as epoch milliseconds). */
export type Getter = (property: string, column: ColumnDef) => Value;

/** true, false or null (unknown), as SQL and OData evaluate. */
export function evaluate(node: Node, get: Getter): Value {
  switch (node.kind) {
    case 'literal':
      return node.edm === 'Edm.DateTimeOffset' ? Date.parse(String(node.value)) : node.value;
    case 'property':
      return get(node.name, node.column);
    case 'and': {
      const l = evaluate(node.left, get);
      const r = evaluate(node.right, get);
      if (l === false || r === false) return false;
      return l === null || r === null ? null : true;
    }
    case 'or': {
      const l = evaluate(node.left, get);
      const r = evaluate(node.right, get);
      if (l === true || r === true) return true;
      return l === null || r === null ? null : false;
    }
    case 'not': {
      const v = evaluate(node.operand, get);
      return v === null ? null : !v;
    }
    case 'function': {
      const subject = evaluate(node.args[0]!, get);
      const pattern = evaluate(node.args[1]!, get);
      if (subject === null || pattern === null) return null;
      const like = likeToRegExp(collate(String(pattern)));
      const source = node.name === 'contains' ? `^.*${like}.*$` : node.name === 'startswith' ? `^${like}.*$` : `^.*${like}$`;
      return new RegExp(source, 'is').test(collate(String(subject)));
    }
    case 'compare': {
      const l = evaluate(node.left, get);
      const r = evaluate(node.right, get);
      if (node.op === 'eq' || node.op === 'ne') {
        const equal = l === null || r === null ? l === r : typeof l === 'string' && typeof r === 'string' ? collate(l) === collate(r) : l === r;
        return node.op === 'eq' ? equal : !equal;
      }
      if (l === null || r === null) return null;
      const [a, b] = typeof l === 'string' && typeof r === 'string' ? [collate(l), collate(r)] : [l, r];
      if (node.op === 'lt') return a < b;
      if (node.op === 'le') return a <= b;
      if (node.op === 'gt') return a > b;
      return a >= b;
    }
  }
}

/**
 * Text as the environment's collation compares it: an English (LCID 1033) environment's is _CI_AI, case and
 * accent insensitive ("Language collations" in the Power Platform admin docs), so "García" = "garcia".
 */
function collate(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** A T-SQL LIKE pattern as a regular expression source: % _ [set] [^set] [a-z]; anything else literal. */
export function likeToRegExp(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '%') out += '.*';
    else if (ch === '_') out += '.';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) {
        out += '\\[';
        continue;
      }
      let set = pattern.slice(i + 1, end);
      const negated = set.startsWith('^') && set.length > 1;
      if (negated) set = set.slice(1);
      const cls = [...set].map((c, k, all) => (c === '-' && k > 0 && k < all.length - 1 ? '-' : c.replace(/[\\\]^[-]/g, '\\$&'))).join('');
      out += `[${negated ? '^' : ''}${cls}]`;
      i = end;
    } else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}

/** $orderby: "name asc,createdon desc" → a comparator (nulls first ascending, as SQL Server sorts). */
export function orderBy(spec: string | undefined, table: TableDef, get: (row: unknown, property: string, column: ColumnDef) => Value): ((a: unknown, b: unknown) => number) | null {
  if (!spec) return null;
  const keys = spec.split(',').map((part) => {
    const [name, direction = 'asc'] = part.trim().split(/\s+/);
    const parser = new FilterParser(table, new Map());
    const node = parser.parse(name!);
    if (node.kind !== 'property') throw new ODataError(`The $orderby expression '${part}' is not a property.`);
    if (direction !== 'asc' && direction !== 'desc') throw new ODataError(`Syntax error in $orderby '${spec}'.`);
    return { node, descending: direction === 'desc' };
  });
  return (a, b) => {
    for (const { node, descending } of keys) {
      if (node.kind !== 'property') continue;
      let x = get(a, node.name, node.column);
      let y = get(b, node.name, node.column);
      if (typeof x === 'string') x = x.toLowerCase();
      if (typeof y === 'string') y = y.toLowerCase();
      const c = x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      if (c !== 0) return descending ? -c : c;
    }
    return 0;
  };
}
