/** The SOQL lexer of the wire server (see wireQuery.ts), and the error Salesforce answers a bad query with. */

export class QueryError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

export type Token =
  | { k: 'ident'; v: string; pos: number }
  | { k: 'str'; v: string; like: string; likeOnly: boolean; pos: number }
  | { k: 'num'; v: number; pos: number }
  | { k: 'date'; v: string; pos: number }
  | { k: 'op'; v: '=' | '!=' | '<' | '<=' | '>' | '>='; pos: number }
  | { k: 'punct'; v: '(' | ')' | ','; pos: number }
  | { k: 'eof'; pos: number };

export const malformed = (message: string) => new QueryError('MALFORMED_QUERY', message);
export const escapeRegex = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const pos = i;
    if (c === "'") {
      let value = '';
      let like = '';
      let likeOnly = false;
      i++;
      for (;;) {
        if (i >= text.length) throw malformed(`line 1:${pos} unterminated string literal`);
        const ch = text[i]!;
        if (ch === "'") {
          i++;
          break;
        }
        if (ch === '\\') {
          const e = text[i + 1] ?? '';
          const simple: Record<string, string> = { n: '\n', N: '\n', r: '\r', R: '\r', t: '\t', T: '\t', b: '\b', B: '\b', f: '\f', F: '\f', '"': '"', "'": "'", '\\': '\\' };
          if (e in simple) {
            value += simple[e];
            like += escapeRegex(simple[e]!);
            i += 2;
          } else if (e === '%' || e === '_') {
            value += e;
            like += escapeRegex(e);
            likeOnly = true;
            i += 2;
          } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            const u = String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
            value += u;
            like += escapeRegex(u);
            i += 6;
          } else {
            throw malformed(`line 1:${i} Invalid string literal '${text.slice(pos, i + 2)}'. Illegal character sequence '\\${e}' in string literal.`);
          }
          continue;
        }
        value += ch;
        like += ch === '%' ? '.*' : ch === '_' ? '.' : escapeRegex(ch);
        i++;
      }
      tokens.push({ k: 'str', v: value, like, likeOnly, pos });
      continue;
    }
    const date = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2}))?/.exec(text.slice(i));
    if (date) {
      tokens.push({ k: 'date', v: date[0], pos });
      i += date[0].length;
      continue;
    }
    const num = /^-?\d+(?:\.\d+)?/.exec(text.slice(i));
    if (num) {
      tokens.push({ k: 'num', v: Number(num[0]), pos });
      i += num[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i));
    if (ident) {
      tokens.push({ k: 'ident', v: ident[0], pos });
      i += ident[0].length;
      continue;
    }
    const op = /^(!=|<>|<=|>=|=|<|>)/.exec(text.slice(i));
    if (op) {
      tokens.push({ k: 'op', v: op[0] === '<>' ? '!=' : (op[0] as '=' | '!=' | '<' | '<=' | '>' | '>='), pos });
      i += op[0].length;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ k: 'punct', v: c, pos });
      i++;
      continue;
    }
    throw malformed(`line 1:${pos} no viable alternative at character '${c}'`);
  }
  tokens.push({ k: 'eof', pos: text.length });
  return tokens;
}
