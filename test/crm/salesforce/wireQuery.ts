import { fieldNamed, isIdShaped, NUMBER_TYPES, objectNamed, OBJECTS, TEXT_TYPES, type FieldDef, type ObjectDef } from './wireSchema.js';
import { fieldsOf } from './wireSoqlEval.js';
import { lex, malformed, QueryError, type Token } from './wireSoqlLexer.js';

export { readPath, runSoql, select, shapeRecord } from './wireSoqlEval.js';
export { escapeRegex, lex, QueryError } from './wireSoqlLexer.js';

/**
 * The SOQL parser of the wire server (lexer: wireSoqlLexer.ts, evaluation: wireSoqlEval.ts, SOSL:
 * wireSosl.ts), per Salesforce's SOQL and SOSL Reference, for what the connector sends and a little more, evaluated for real on the in-memory org so that an escaping slip changes the
 * result or fails the query the way Salesforce would:
 * - SOQL: SELECT field list, with or without one FIELDS(ALL|STANDARD|CUSTOM) FROM object [WHERE ...] [ORDER BY ...] [LIMIT]
 *   [OFFSET]; conditions with = != <> < <= > >= LIKE [NOT] IN, AND / OR / NOT and parentheses (AND and OR
 *   mixed without parentheses is an error, as in Salesforce); string literals with Salesforce's escape
 *   sequences (\' \" \\ \n \r \t \b \f \uXXXX, and \% \_ in LIKE only; any other backslash is an error);
 *   text comparisons case-insensitive, IDs exact on their 15-character form, dates unquoted.
 */

export interface StoredRecord {
  object: ObjectDef;
  fields: Record<string, unknown>;
}

/** What the queries read: records by id (15 or 18 characters) and by object. */
export interface OrgView {
  byId(id: string): StoredRecord | undefined;
  all(object: string): StoredRecord[];
}

// ---------------------------------------------------------------------------------------------- fields

/** A resolved field path: the reference fields to follow, then the field read. */
export interface FieldPath {
  text: string;
  hops: Array<{ field: string; relationship: string }>;
  field: string;
  def: FieldDef;
}

function noColumn(name: string, object: ObjectDef): QueryError {
  return new QueryError(
    'INVALID_FIELD',
    `No such column '${name}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

export function resolvePath(object: ObjectDef, text: string): FieldPath {
  const parts = text.split('.');
  const hops: FieldPath['hops'] = [];
  let current = object;
  for (const part of parts.slice(0, -1)) {
    const refField = part.toLowerCase().endsWith('__r') ? fieldNamed(current, `${part.slice(0, -3)}__c`) : fieldNamed(current, `${part}Id`);
    const def = refField ? current.fields[refField] : undefined;
    if (!refField || def?.type !== 'reference' || !def.refersTo?.[0]) {
      throw new QueryError(
        'INVALID_FIELD',
        `Didn't understand relationship '${part}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name.`,
      );
    }
    hops.push({ field: refField, relationship: refField.endsWith('__c') ? `${refField.slice(0, -3)}__r` : refField.slice(0, -2) });
    current = OBJECTS[def.refersTo[0]]!;
  }
  const last = parts.at(-1)!;
  const field = fieldNamed(current, last);
  if (!field) throw noColumn(last, current);
  return { text, hops, field, def: current.fields[field]! };
}

// ---------------------------------------------------------------------------------------------- parser

export type Literal = Extract<Token, { k: 'str' | 'num' | 'date' }> | { k: 'bool'; v: boolean } | { k: 'null' };

export type Condition =
  | { k: 'and' | 'or'; items: Condition[] }
  | { k: 'not'; item: Condition }
  | { k: 'cmp'; path: FieldPath; op: '=' | '!=' | '<' | '<=' | '>' | '>='; value: Literal }
  | { k: 'like'; path: FieldPath; pattern: RegExp }
  | { k: 'in'; path: FieldPath; negated: boolean; values: Literal[] };

export interface OrderItem {
  path: FieldPath;
  desc: boolean;
  nullsFirst: boolean;
}

export type FieldsWhich = 'ALL' | 'STANDARD' | 'CUSTOM';
/** A SELECT list: a FIELDS() group and/or field paths (SOQL allows both together, each field once). */
export interface Selection {
  fields?: FieldsWhich;
  paths: FieldPath[];
}

export interface SoqlQuery {
  object: ObjectDef;
  selection: Selection;
  where?: Condition;
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
}

export class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    /** Objects the user may not read: Salesforce names them "not supported" (INVALID_TYPE), as if absent. */
    private readonly hidden: ReadonlySet<string> = new Set(),
  ) {}

  peek(): Token {
    return this.tokens[this.pos]!;
  }
  next(): Token {
    return this.tokens[this.pos++]!;
  }
  isWord(word: string, token = this.peek()): boolean {
    return token.k === 'ident' && token.v.toUpperCase() === word;
  }
  expectWord(word: string): void {
    const token = this.next();
    if (!this.isWord(word, token)) throw malformed(`line 1:${token.pos} unexpected token: '${describe(token)}', expecting ${word}`);
  }
  expectPunct(p: '(' | ')' | ','): void {
    const token = this.next();
    if (token.k !== 'punct' || token.v !== p) throw malformed(`line 1:${token.pos} unexpected token: '${describe(token)}', expecting '${p}'`);
  }
  ident(): string {
    const token = this.next();
    if (token.k !== 'ident') throw malformed(`line 1:${token.pos} unexpected token: '${describe(token)}'`);
    return token.v;
  }
  end(): void {
    const token = this.peek();
    if (token.k !== 'eof') throw malformed(`line 1:${token.pos} unexpected token: '${describe(token)}'`);
  }

  object(): ObjectDef {
    const name = this.ident();
    const object = objectNamed(name);
    if (!object || this.hidden.has(object.name)) {
      throw new QueryError(
        'INVALID_TYPE',
        `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    return object;
  }

  /** A field list, as raw names (resolved once the object is known), with at most one FIELDS() group. */
  selection(): { fields?: FieldsWhich; names: string[] } {
    const out: { fields?: FieldsWhich; names: string[] } = { names: [] };
    do {
      if (out.fields || out.names.length > 0) this.next();
      if (this.isWord('FIELDS') && this.tokens[this.pos + 1]?.k === 'punct') {
        this.next();
        this.expectPunct('(');
        const which = this.ident().toUpperCase();
        if (which !== 'ALL' && which !== 'STANDARD' && which !== 'CUSTOM') throw malformed(`unknown FIELDS() argument ${which}`);
        this.expectPunct(')');
        if (out.fields) throw malformed('duplicate field selected: FIELDS()');
        out.fields = which;
      } else {
        out.names.push(this.ident());
      }
    } while (this.peek().k === 'punct' && (this.peek() as { v: string }).v === ',');
    return out;
  }

  resolveSelection(object: ObjectDef, raw: { fields?: FieldsWhich; names: string[] }): Selection {
    const paths = raw.names.map((name) => resolvePath(object, name));
    const seen = new Set<string>(raw.fields ? fieldsOf(object, raw.fields).map((f) => f.toLowerCase()) : []);
    for (const path of paths) {
      const key = path.text.toLowerCase();
      // "SELECT Id, FIELDS(ALL)" is refused: the SOQL reference's example of a duplicate field.
      if (seen.has(key)) throw malformed(`duplicate field selected: ${path.text}`);
      seen.add(key);
    }
    return { fields: raw.fields, paths };
  }

  condition(object: ObjectDef): Condition {
    const first = this.conjunction(object);
    const items = [first.condition];
    let kind: 'and' | 'or' | undefined = first.kind;
    while (this.isWord('OR')) {
      if (kind === 'and') throw malformed(`line 1:${this.peek().pos} unexpected token: 'OR' (use parentheses when mixing AND and OR)`);
      this.next();
      kind = 'or';
      const nextItem = this.conjunction(object);
      if (nextItem.kind === 'and') throw malformed(`line 1:${this.peek().pos} unexpected token: 'AND' (use parentheses when mixing AND and OR)`);
      items.push(nextItem.condition);
    }
    return items.length === 1 ? items[0]! : { k: 'or', items };
  }

  private conjunction(object: ObjectDef): { condition: Condition; kind?: 'and' } {
    const items = [this.unary(object)];
    while (this.isWord('AND')) {
      this.next();
      items.push(this.unary(object));
    }
    return items.length === 1 ? { condition: items[0]! } : { condition: { k: 'and', items }, kind: 'and' };
  }

  private unary(object: ObjectDef): Condition {
    if (this.isWord('NOT')) {
      this.next();
      return { k: 'not', item: this.unary(object) };
    }
    const token = this.peek();
    if (token.k === 'punct' && token.v === '(') {
      this.next();
      const inner = this.condition(object);
      this.expectPunct(')');
      return inner;
    }
    const path = resolvePath(object, this.ident());
    if (this.isWord('LIKE')) {
      this.next();
      const value = this.next();
      if (value.k !== 'str') throw malformed(`line 1:${value.pos} LIKE needs a string literal`);
      if (!TEXT_TYPES.has(path.def.type)) throw new QueryError('INVALID_QUERY_FILTER_OPERATOR', `invalid operator on ${path.def.type} field: LIKE`);
      return { k: 'like', path, pattern: new RegExp(`^${value.like}$`, 'is') };
    }
    let negated = false;
    if (this.isWord('NOT')) {
      this.next();
      negated = true;
      if (!this.isWord('IN')) throw malformed(`line 1:${this.peek().pos} expecting IN after NOT`);
    }
    if (this.isWord('IN')) {
      this.next();
      this.expectPunct('(');
      const values = [this.literal(path)];
      while (this.peek().k === 'punct' && (this.peek() as { v: string }).v === ',') {
        this.next();
        values.push(this.literal(path));
      }
      this.expectPunct(')');
      return { k: 'in', path, negated, values };
    }
    const op = this.next();
    if (op.k !== 'op') throw malformed(`line 1:${op.pos} unexpected token: '${describe(op)}'`);
    const value = this.literal(path);
    if (value.k === 'null' && op.v !== '=' && op.v !== '!=') throw malformed(`line 1:${op.pos} null can only be compared with = or !=`);
    if (value.k === 'bool' && op.v !== '=' && op.v !== '!=') throw new QueryError('INVALID_QUERY_FILTER_OPERATOR', `invalid operator on boolean field: ${op.v}`);
    return { k: 'cmp', path, op: op.v, value };
  }

  /** A literal, type-checked against the field as Salesforce does when it compiles the query. */
  private literal(path: FieldPath): Literal {
    const token = this.next();
    const type = path.def.type;
    const name = path.text;
    let literal: Literal;
    if (token.k === 'ident' && /^(TRUE|FALSE)$/i.test(token.v)) literal = { k: 'bool', v: token.v.toUpperCase() === 'TRUE' };
    else if (token.k === 'ident' && /^NULL$/i.test(token.v)) literal = { k: 'null' };
    else if (token.k === 'str' || token.k === 'num' || token.k === 'date') literal = token;
    else throw malformed(`line 1:${token.pos} unexpected token: '${describe(token)}'`);
    if (literal.k === 'null') return literal;
    if (literal.k === 'str' && literal.likeOnly) throw malformed(`line 1:${token.pos} Invalid string literal: \\% and \\_ are allowed in LIKE expressions only`);
    const wrong = (what: string) => new QueryError('INVALID_QUERY_FILTER_OPERATOR', `value of filter criterion for field '${name}' must be of type ${what}`);
    if (type === 'id' || type === 'reference') {
      if (literal.k !== 'str') throw wrong('id and should be enclosed in quotes');
      if (!isIdShaped(literal.v)) throw new QueryError('INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${literal.v}`);
    } else if (TEXT_TYPES.has(type)) {
      if (literal.k !== 'str') throw wrong('string and should be enclosed in quotes');
    } else if (NUMBER_TYPES.has(type)) {
      if (literal.k !== 'num') throw wrong('double and should not be enclosed in quotes');
    } else if (type === 'boolean') {
      if (literal.k !== 'bool') throw wrong('boolean and should not be enclosed in quotes');
    } else if (type === 'date' || type === 'datetime') {
      if (literal.k !== 'date' || (type === 'date' && literal.v.length !== 10)) throw wrong(`${type} and should not be enclosed in quotes`);
    }
    return literal;
  }

  orderBy(object: ObjectDef): OrderItem[] {
    const items: OrderItem[] = [];
    do {
      if (items.length > 0) this.next();
      const path = resolvePath(object, this.ident());
      let desc = false;
      if (this.isWord('ASC')) this.next();
      else if (this.isWord('DESC')) {
        this.next();
        desc = true;
      }
      let nullsFirst = !desc;
      if (this.isWord('NULLS')) {
        this.next();
        const which = this.ident().toUpperCase();
        if (which !== 'FIRST' && which !== 'LAST') throw malformed('NULLS FIRST or NULLS LAST');
        nullsFirst = which === 'FIRST';
      }
      items.push({ path, desc, nullsFirst });
    } while (this.peek().k === 'punct' && (this.peek() as { v: string }).v === ',');
    return items;
  }

  integer(): number {
    const token = this.next();
    if (token.k !== 'num' || !Number.isInteger(token.v) || token.v < 0) throw malformed(`line 1:${token.pos} expecting a whole number`);
    return token.v;
  }

  /** WHERE / ORDER BY / LIMIT / OFFSET of a query or of a SOSL RETURNING object. */
  clauses(object: ObjectDef): Pick<SoqlQuery, 'where' | 'orderBy' | 'limit' | 'offset'> {
    const out: Pick<SoqlQuery, 'where' | 'orderBy' | 'limit' | 'offset'> = { orderBy: [] };
    if (this.isWord('WHERE')) {
      this.next();
      out.where = this.condition(object);
    }
    if (this.isWord('ORDER')) {
      this.next();
      this.expectWord('BY');
      out.orderBy = this.orderBy(object);
    }
    if (this.isWord('LIMIT')) {
      this.next();
      out.limit = this.integer();
    }
    if (this.isWord('OFFSET')) {
      this.next();
      out.offset = this.integer();
    }
    return out;
  }
}

function describe(token: Token): string {
  switch (token.k) {
    case 'eof':
      return '<EOF>';
    case 'str':
      return `'${token.v}'`;
    default:
      return String(token.v);
  }
}

export function parseSoql(text: string, hidden?: ReadonlySet<string>): SoqlQuery {
  const parser = new Parser(lex(text), hidden);
  parser.expectWord('SELECT');
  const raw = parser.selection();
  parser.expectWord('FROM');
  const object = parser.object();
  const selection = parser.resolveSelection(object, raw);
  const clauses = parser.clauses(object);
  parser.end();
  if (selection.fields && selection.fields !== 'STANDARD' && (clauses.limit === undefined || clauses.limit > 200)) {
    throw malformed('The SOQL FIELDS function must have a LIMIT of at most 200');
  }
  return { object, selection, ...clauses };
}
