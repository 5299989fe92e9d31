/**
 * ServiceNow's encoded query language (sysparm_query), as the local wire server evaluates it. It follows the
 * platform's published semantics, including the unsafe parts an integration must not trip over:
 * - the query is split at every "^": "^OR" continues the previous clause (OR binds tighter than AND), "^NQ"
 *   starts a new OR'ed group, "^ORDERBY" / "^ORDERBYDESC" order, "^EQ" ends; there is no escape, so a "^"
 *   inside a value starts a new condition;
 * - a condition is <field><OPERATOR><value>; a condition on a column the table does not have is ignored
 *   (glide.invalid_query.returns_no_rows = false, the default), widening the result;
 * - a value starting with "javascript:" is run as a script (recorded here so that tests can prove it never is);
 * - text comparisons ignore case and accents ("Set case and accent sensitivity on a per-column basis": by
 *   default, text searches in table columns are insensitive to case and to accent or diacritic differences;
 *   a column can be made sensitive with the i18n_locale_text_match attribute, which this server does not
 *   model); LIKE / STARTSWITH / ENDSWITH are SQL LIKE, where "%" and "_" are wildcards (the pessimistic
 *   reading: ServiceNow documents no escape for them).
 */

/** Text as a default collation compares it: without case or accents. */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

export type Row = Record<string, string>;

export interface QueryContext {
  /** Columns of the queried table. */
  columns: ReadonlySet<string>;
  /** A reference column's row, for dot-walking ("contact.email"). */
  follow(row: Row, column: string): { row: Row; columns: ReadonlySet<string> } | undefined;
  /** Called with every "javascript:" value the query asked to run. */
  onScript(script: string): void;
}

interface Condition {
  field: string;
  op: string;
  value: string;
}

export interface ParsedQuery {
  /** OR of groups; a group is an AND of clauses; a clause is an OR of conditions. */
  groups: Condition[][][];
  orderBy: Array<{ field: string; desc: boolean }>;
}

const OPERATORS = ['ISNOTEMPTY', 'ISEMPTY', 'EMPTYSTRING', 'ANYTHING', 'STARTSWITH', 'ENDSWITH', 'NOT LIKE', 'NOTLIKE', 'NOT IN', 'LIKE', 'IN', '!=', '>=', '<=', '=', '>', '<'];

function parseCondition(text: string): Condition | undefined {
  const field = /^[a-z0-9_.]+/.exec(text)?.[0];
  if (!field) return undefined;
  const rest = text.slice(field.length);
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (!op) return undefined;
  return { field, op, value: rest.slice(op.length) };
}

export function parseEncodedQuery(query: string): ParsedQuery {
  const groups: Condition[][][] = [[]];
  const orderBy: ParsedQuery['orderBy'] = [];
  for (let token of query.split('^')) {
    if (token === '' || token === 'EQ') continue;
    if (token.startsWith('ORDERBYDESC')) {
      orderBy.push({ field: token.slice('ORDERBYDESC'.length), desc: true });
      continue;
    }
    if (token.startsWith('ORDERBY')) {
      orderBy.push({ field: token.slice('ORDERBY'.length), desc: false });
      continue;
    }
    const group = () => groups[groups.length - 1]!;
    if (token.startsWith('NQ')) {
      groups.push([]);
      token = token.slice(2);
      if (token === '') continue;
    } else if (token.startsWith('OR') && group().length > 0) {
      const condition = parseCondition(token.slice(2));
      if (condition) group()[group().length - 1]!.push(condition);
      continue;
    }
    const condition = parseCondition(token);
    if (condition) group().push([condition]);
  }
  return { groups: groups.filter((g) => g.length > 0), orderBy };
}

/** SQL LIKE, case- and accent-insensitive, "%" any run, "_" one character. */
function like(actual: string, pattern: string): boolean {
  const regex = fold(pattern)
    .split('')
    .map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${regex}$`, 'is').test(fold(actual));
}

function compare(a: string, b: string): number {
  const number = /^-?\d{1,15}(\.\d+)?$/;
  if (number.test(a) && number.test(b)) return Number(a) - Number(b);
  return fold(a) < fold(b) ? -1 : fold(a) > fold(b) ? 1 : 0;
}

/** The value of a (possibly dot-walked) field; undefined when a column along the way does not exist. */
function resolve(row: Row, field: string, context: QueryContext): string | undefined {
  const parts = field.split('.');
  let current: Row | undefined = row;
  let columns = context.columns;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!columns.has(part)) return undefined;
    if (i === parts.length - 1) return current?.[part] ?? '';
    const next: { row: Row; columns: ReadonlySet<string> } | undefined = current ? context.follow(current, part) : undefined;
    if (!next) return '';
    current = next.row;
    columns = next.columns;
  }
  return '';
}

/** true / false, or undefined when the condition is invalid and so ignored. */
function holds(condition: Condition, row: Row, context: QueryContext): boolean | undefined {
  const actual = resolve(row, condition.field, context);
  if (actual === undefined) return undefined;
  let { value } = condition;
  if (/^javascript:/i.test(value)) {
    context.onScript(value);
    value = '';
  }
  const eq = (v: string) => fold(actual) === fold(v);
  switch (condition.op) {
    case '=':
      return eq(value);
    case '!=':
      return !eq(value);
    case 'LIKE':
      return like(actual, `%${value}%`);
    case 'NOTLIKE':
    case 'NOT LIKE':
      return !like(actual, `%${value}%`);
    case 'STARTSWITH':
      return like(actual, `${value}%`);
    case 'ENDSWITH':
      return like(actual, `%${value}`);
    case 'ISEMPTY':
      return actual === '';
    case 'ISNOTEMPTY':
      return actual !== '';
    case 'EMPTYSTRING':
      return actual === '';
    case 'ANYTHING':
      return true;
    case 'IN':
      return value.split(',').some(eq);
    case 'NOT IN':
      return !value.split(',').some(eq);
    case '<':
      return actual !== '' && compare(actual, value) < 0;
    case '<=':
      return actual !== '' && compare(actual, value) <= 0;
    case '>':
      return actual !== '' && compare(actual, value) > 0;
    case '>=':
      return actual !== '' && compare(actual, value) >= 0;
    default:
      return undefined;
  }
}

export function matches(query: ParsedQuery, row: Row, context: QueryContext): boolean {
  if (query.groups.length === 0) return true;
  return query.groups.some((group) =>
    group.every((clause) => {
      const results = clause.map((c) => holds(c, row, context)).filter((r): r is boolean => r !== undefined);
      // A clause made only of ignored conditions is ignored as a whole.
      return results.length === 0 || results.some(Boolean);
    }),
  );
}

export function order(rows: Row[], orderBy: ParsedQuery['orderBy']): Row[] {
  if (orderBy.length === 0) return rows;
  return [...rows].sort((a, b) => {
    for (const { field, desc } of orderBy) {
      const c = compare(a[field] ?? '', b[field] ?? '');
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  });
}
