/** A query Dataverse cannot run: a 400 with ODataLib's message. */
export class ODataError extends Error {
  constructor(
    message: string,
    readonly code = '0x80060888',
  ) {
    super(message);
  }
}

/**
 * The tokens of an OData $filter as ODataLib reads them: literals (strings with doubled quotes, GUIDs, dates,
 * numbers), words, aliases, parentheses.
 */
export type Edm = 'Edm.String' | 'Edm.Int32' | 'Edm.Decimal' | 'Edm.Boolean' | 'Edm.DateTimeOffset' | 'Edm.Guid' | 'Edm.Int64' | 'null';
export type Value = string | number | boolean | null;

export interface Token {
  kind: 'open' | 'close' | 'comma' | 'word' | 'alias' | 'literal';
  text: string;
  value?: Value;
  edm?: Edm;
  position: number;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2}))?/;
const NUMBER = /^-?\d+(\.\d+)?/;
const WORD = /^[A-Za-z_][A-Za-z0-9_]*/;

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    const rest = input.slice(i);
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch === '(' ? 'open' : ch === ')' ? 'close' : 'comma', text: ch, position: i });
      i++;
    } else if (ch === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= input.length) throw new ODataError(`There is an unterminated literal at position ${i} in '${input}'.`);
        if (input[j] === "'") {
          if (input[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += input[j];
        j++;
      }
      tokens.push({ kind: 'literal', text: input.slice(i, j + 1), value, edm: 'Edm.String', position: i });
      i = j + 1;
    } else if (ch === '@') {
      const word = WORD.exec(rest.slice(1));
      if (!word) throw new ODataError(`Syntax error at position ${i} in '${input}'.`);
      tokens.push({ kind: 'alias', text: `@${word[0]}`, position: i });
      i += word[0].length + 1;
    } else if (GUID.test(rest)) {
      const text = GUID.exec(rest)![0];
      tokens.push({ kind: 'literal', text, value: text.toLowerCase(), edm: 'Edm.Guid', position: i });
      i += text.length;
    } else if (DATE.test(rest)) {
      const text = DATE.exec(rest)![0];
      tokens.push({ kind: 'literal', text, value: text, edm: 'Edm.DateTimeOffset', position: i });
      i += text.length;
    } else if (NUMBER.test(rest)) {
      const text = NUMBER.exec(rest)![0];
      tokens.push({ kind: 'literal', text, value: Number(text), edm: text.includes('.') ? 'Edm.Decimal' : 'Edm.Int32', position: i });
      i += text.length;
    } else if (WORD.test(rest)) {
      const text = WORD.exec(rest)![0];
      tokens.push({ kind: 'word', text, position: i });
      i += text.length;
    } else {
      throw new ODataError(`Syntax error: character '${ch}' is not valid at position ${i} in '${input}'.`);
    }
  }
  return tokens;
}
