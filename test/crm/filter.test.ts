import { describe, expect, it } from 'vitest';
import { FilterSyntaxError, matchesFilter, parseFilter, type FilterExpr } from '../../src/crm/filter.js';

const cmp = (field: string, op: string, value: string | number | boolean | null) => ({ kind: 'cmp', field, op, value });

/** The error parseFilter throws for a filter, so a test can look at its token and position. */
function syntaxError(input: string): FilterSyntaxError {
  try {
    parseFilter(input);
  } catch (error) {
    if (error instanceof FilterSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

/** Evaluates a filter against a plain object of fields. */
const matches = (filter: string, fields: Record<string, unknown>) => matchesFilter(parseFilter(filter), (f) => fields[f]);

describe('parseFilter: the grammar', () => {
  it('reads one comparison', () => {
    expect(parseFilter('status = "Closed"')).toEqual(cmp('status', '=', 'Closed'));
  });

  it.each([
    ['=', 'a = 1'],
    ['!=', 'a != 1'],
    ['<', 'a < 1'],
    ['<=', 'a <= 1'],
    ['>', 'a > 1'],
    ['>=', 'a >= 1'],
    ['contains', 'a contains 1'],
    ['startswith', 'a startswith 1'],
  ])('knows the operator %s', (op, input) => {
    expect(parseFilter(input)).toEqual(cmp('a', op, 1));
  });

  it('needs no spaces around symbolic operators', () => {
    expect(parseFilter('a>=-2.5')).toEqual(cmp('a', '>=', -2.5));
    expect(parseFilter('a!="x"')).toEqual(cmp('a', '!=', 'x'));
  });

  it('binds "and" tighter than "or"', () => {
    expect(parseFilter('a = 1 or b = 2 and c = 3')).toEqual({
      kind: 'or',
      left: cmp('a', '=', 1),
      right: { kind: 'and', left: cmp('b', '=', 2), right: cmp('c', '=', 3) },
    });
    expect(parseFilter('a = 1 and b = 2 or c = 3')).toEqual({
      kind: 'or',
      left: { kind: 'and', left: cmp('a', '=', 1), right: cmp('b', '=', 2) },
      right: cmp('c', '=', 3),
    });
  });

  it('groups left to right', () => {
    expect(parseFilter('a = 1 or b = 2 or c = 3')).toEqual({
      kind: 'or',
      left: { kind: 'or', left: cmp('a', '=', 1), right: cmp('b', '=', 2) },
      right: cmp('c', '=', 3),
    });
  });

  it('lets parentheses override precedence, nested too', () => {
    expect(parseFilter('(a = 1 or b = 2) and c = 3')).toEqual({
      kind: 'and',
      left: { kind: 'or', left: cmp('a', '=', 1), right: cmp('b', '=', 2) },
      right: cmp('c', '=', 3),
    });
    expect(parseFilter('((a = 1))')).toEqual(cmp('a', '=', 1));
    expect(parseFilter('a = 1 and (b = 2 or (c = 3 and d = 4))')).toEqual({
      kind: 'and',
      left: cmp('a', '=', 1),
      right: { kind: 'or', left: cmp('b', '=', 2), right: { kind: 'and', left: cmp('c', '=', 3), right: cmp('d', '=', 4) } },
    });
  });

  it('reads the example of its own documentation', () => {
    expect(parseFilter('status != "Closed" and (subject contains "shipment" or priority = "High")')).toEqual({
      kind: 'and',
      left: cmp('status', '!=', 'Closed'),
      right: { kind: 'or', left: cmp('subject', 'contains', 'shipment'), right: cmp('priority', '=', 'High') },
    });
  });

  it('unescapes \\" and \\\\ in quoted text and keeps every other character as it is', () => {
    expect(parseFilter(String.raw`name = "say \"hi\" to C:\\temp"`)).toEqual(cmp('name', '=', 'say "hi" to C:\\temp'));
    expect(parseFilter(`name = "O'Brien 100% _x_ * ; -- ()"`)).toEqual(cmp('name', '=', "O'Brien 100% _x_ * ; -- ()"));
    expect(parseFilter('name = ""')).toEqual(cmp('name', '=', ''));
    expect(parseFilter('name = "  and or  "')).toEqual(cmp('name', '=', '  and or  '));
  });

  it('reads whole, negative and decimal numbers as numbers', () => {
    expect(parseFilter('n = 42')).toEqual(cmp('n', '=', 42));
    expect(parseFilter('n = -7')).toEqual(cmp('n', '=', -7));
    expect(parseFilter('n = 3.25')).toEqual(cmp('n', '=', 3.25));
    expect(parseFilter('n = "42"')).toEqual(cmp('n', '=', '42'));
  });

  it('reads true, false and null as values, in any case', () => {
    expect(parseFilter('a = true')).toEqual(cmp('a', '=', true));
    expect(parseFilter('a = FALSE')).toEqual(cmp('a', '=', false));
    expect(parseFilter('a != Null')).toEqual(cmp('a', '!=', null));
  });

  it('reads keywords in any case and keeps the field name as written', () => {
    expect(parseFilter('Subject CONTAINS "x" AND Status StartsWith "W" Or isOpen = True')).toEqual({
      kind: 'or',
      left: { kind: 'and', left: cmp('Subject', 'contains', 'x'), right: cmp('Status', 'startswith', 'W') },
      right: cmp('isOpen', '=', true),
    });
  });

  it('takes field names with digits, "_" and "." but does not mistake a field for a keyword', () => {
    expect(parseFilter('account.owner_2 = 1')).toEqual(cmp('account.owner_2', '=', 1));
    expect(parseFilter('android = 1 and orders = 2')).toEqual({ kind: 'and', left: cmp('android', '=', 1), right: cmp('orders', '=', 2) });
  });
});

describe('parseFilter: errors name the bad token', () => {
  it('refuses an unterminated quote and names the text from the quote on', () => {
    const error = syntaxError('name = "Maria');
    expect(error).toBeInstanceOf(FilterSyntaxError);
    expect(error.message).toMatch(/unterminated/);
    expect(error.token).toBe('"Maria');
    expect(error.position).toBe(7);
  });

  it('refuses a quote whose closing quote is escaped', () => {
    expect(syntaxError(String.raw`name = "Maria\"`).message).toMatch(/unterminated/);
  });

  it('refuses a backslash before anything but " or \\', () => {
    const error = syntaxError(String.raw`name = "a\nb"`);
    expect(error.token).toBe(String.raw`\n`);
    expect(error.position).toBe(9);
  });

  it('refuses "==" at its second "="', () => {
    const error = syntaxError('a == "x"');
    expect(error.token).toBe('=');
    expect(error.position).toBe(3);
  });

  it('refuses "<>" at its ">"', () => {
    expect(syntaxError('a <> 1').token).toBe('>');
  });

  it('refuses a lone "!" as an unknown operator', () => {
    const error = syntaxError('a !x');
    expect(error.message).toMatch(/unknown operator/);
    expect(error.token).toBe('!x');
  });

  // BUG (src/crm/filter.ts, tokenize, the `[=!<>]` branch): the token of an unknown operator is
  // `input.slice(i, i + 2)`, so a lone "!" followed by a space is reported as "! " (with the space).
  it('names a lone "!" followed by a space without the space', () => {
    expect(syntaxError('a ! "x"').token).toBe('!');
  });

  it('refuses a ";" and what follows it', () => {
    const error = syntaxError('name = "x"; DROP TABLE crm_records');
    expect(error.message).toMatch(/unexpected character/);
    expect(error.token).toBe(';');
    expect(error.position).toBe(10);
  });

  it('refuses trailing SQL words after a complete comparison', () => {
    const error = syntaxError('name = "x" DROP TABLE crm_records');
    expect(error.message).toMatch(/"and", "or" or the end/);
    expect(error.token).toBe('DROP');
    expect(error.position).toBe(11);
  });

  it("refuses SOQL-style injection with single quotes (' OR 1=1 --)", () => {
    const error = syntaxError("name = '' OR 1=1 --");
    expect(error.token).toBe("''");
    expect(error.position).toBe(7);
  });

  it('refuses a bare value without a field', () => {
    const error = syntaxError('"Maria"');
    expect(error.message).toMatch(/field name/);
    expect(error.token).toBe('"Maria"');
  });

  it('refuses a field without operator or value, naming the end of the filter', () => {
    expect(syntaxError('name').token).toBe('end of filter');
    expect(syntaxError('name =').message).toMatch(/a value/);
    expect(syntaxError('name =').token).toBe('end of filter');
  });

  it('refuses a field where a value belongs (no field-to-field comparison)', () => {
    expect(syntaxError('a = b').token).toBe('b');
  });

  it('refuses unbalanced parentheses', () => {
    expect(syntaxError('(a = 1').token).toBe('end of filter');
    expect(syntaxError('a = 1)').token).toBe(')');
    expect(syntaxError('()').token).toBe(')');
  });

  it('refuses a dangling "and" / "or"', () => {
    expect(syntaxError('a = 1 and').token).toBe('end of filter');
    expect(syntaxError('or a = 1').token).toBe('or');
  });

  it('refuses a malformed number', () => {
    expect(syntaxError('a = 1.').token).toBe('.');
    expect(syntaxError('a = -').message).toMatch(/bad number/);
  });

  it('refuses the empty filter', () => {
    expect(syntaxError('   ').token).toBe('end of filter');
  });

  it('refuses a filter longer than 2000 characters before reading it', () => {
    const longest = `name = "${'x'.repeat(2000 - 'name = ""'.length)}"`;
    expect(longest).toHaveLength(2000);
    expect(() => parseFilter(longest)).not.toThrow();
    const error = syntaxError(`${longest} `);
    expect(error.message).toMatch(/longer than 2000/);
  });
});

describe('matchesFilter', () => {
  const maria = {
    firstName: 'Maria',
    lastName: 'García',
    email: 'Maria.Garcia@Contoso.example',
    age: 41,
    balance: 0,
    vip: true,
    title: null,
    createdAt: '2026-03-14T09:30:00.000Z',
  };

  it('compares text for equality without regard to case', () => {
    expect(matches('firstName = "MARIA"', maria)).toBe(true);
    expect(matches('firstName = "Mari"', maria)).toBe(false);
    expect(matches('firstName != "maria"', maria)).toBe(false);
    expect(matches('firstName != "Marie"', maria)).toBe(true);
  });

  it('compares identifiers (id and fields ending in Id) exactly, as real CRMs do', () => {
    expect(matches('accountId = "acc-0001"', { accountId: 'acc-0001' })).toBe(true);
    expect(matches('accountId = "ACC-0001"', { accountId: 'acc-0001' })).toBe(false);
    expect(matches('accountId != "ACC-0001"', { accountId: 'acc-0001' })).toBe(true);
    expect(matches('id = "001Abc"', { id: '001abc' })).toBe(false);
  });

  it('never finds null inside text', () => {
    expect(matches('email contains null', maria)).toBe(false);
    expect(matches('email startswith null', maria)).toBe(false);
  });

  it('finds text inside and at the start, without regard to case', () => {
    expect(matches('email contains "@CONTOSO."', maria)).toBe(true);
    expect(matches('email contains "fabrikam"', maria)).toBe(false);
    expect(matches('email startswith "maria."', maria)).toBe(true);
    expect(matches('email startswith "garcia"', maria)).toBe(false);
  });

  it('treats %, _ and * as literal characters, not wildcards', () => {
    expect(matches('name contains "100%"', { name: 'Save 100% now' })).toBe(true);
    expect(matches('name contains "100%"', { name: 'Save 1000 now' })).toBe(false);
    expect(matches('name = "a_c"', { name: 'abc' })).toBe(false);
    expect(matches('name startswith "a*"', { name: 'abc' })).toBe(false);
    expect(matches(String.raw`name = "O'Brien \"Bob\" \\"`, { name: 'O\'Brien "Bob" \\' })).toBe(true);
  });

  it('compares numbers as numbers', () => {
    expect(matches('age = 41', maria)).toBe(true);
    expect(matches('age = 4', maria)).toBe(false);
    expect(matches('age > 40 and age < 42', maria)).toBe(true);
    expect(matches('age >= 41 and age <= 41', maria)).toBe(true);
    expect(matches('age > 41', maria)).toBe(false);
    expect(matches('age < 100', maria)).toBe(true); // numerically; as text "41" > "100"
    expect(matches('balance > -0.5', maria)).toBe(true);
  });

  it('compares ISO dates in time order', () => {
    expect(matches('createdAt >= "2026-03-14T00:00:00Z"', maria)).toBe(true);
    expect(matches('createdAt < "2026-03-14T09:30:00.001Z"', maria)).toBe(true);
    expect(matches('createdAt > "2026-03-15"', maria)).toBe(false);
    expect(matches('createdAt <= "2025-12-31T23:59:59Z"', maria)).toBe(false);
  });

  it('compares booleans', () => {
    expect(matches('vip = true', maria)).toBe(true);
    expect(matches('vip = false', maria)).toBe(false);
    expect(matches('vip != false', maria)).toBe(true);
  });

  it('treats a null and a missing field alike: equal to null, never ordered', () => {
    expect(matches('title = null', maria)).toBe(true);
    expect(matches('nickname = null', maria)).toBe(true);
    expect(matches('firstName = null', maria)).toBe(false);
    expect(matches('firstName != null', maria)).toBe(true);
    expect(matches('title != null', maria)).toBe(false);
    expect(matches('nickname > 0', maria)).toBe(false);
    expect(matches('nickname < 0', maria)).toBe(false);
    expect(matches('age > null', maria)).toBe(false);
  });

  it('does not find a number in text that is not a number', () => {
    expect(matches('age > 1', { age: 'forty' })).toBe(false);
    expect(matches('age < 1', { age: 'forty' })).toBe(false);
  });

  it('combines with and/or, honouring precedence and parentheses', () => {
    expect(matches('firstName = "x" or lastName = "garcía" and age = 41', maria)).toBe(true);
    expect(matches('(firstName = "x" or lastName = "garcía") and age = 40', maria)).toBe(false);
    expect(matches('firstName = "x" or (lastName = "garcía" and age = 40)', maria)).toBe(false);
  });

  it('asks only for the fields it needs', () => {
    const asked: string[] = [];
    const expr: FilterExpr = parseFilter('a = 1 or b = 2');
    matchesFilter(expr, (f) => {
      asked.push(f);
      return 1;
    });
    expect(asked).toEqual(['a']);
  });
});
