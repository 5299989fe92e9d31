/**
 * Reads CSV as RFC 4180 has it: fields separated by commas, records by CRLF or LF, a field in double quotes
 * may hold commas, line breaks and doubled quotes (""). Each record keeps the line it starts on, so a refusal
 * can name it; a record that breaks the rules (a stray quote, a quote never closed) is returned with its
 * problem instead of fields, and reading goes on with the next record.
 */
export type CsvRecord = { line: number; fields: string[] } | { line: number; problem: string };

export function readCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const length = text.length;
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (at < length) {
    const startLine = line;
    const fields: string[] = [];
    let problem: string | undefined;
    // One record: fields until an unquoted line break or the end.
    for (;;) {
      let field = '';
      if (text[at] === '"') {
        at += 1;
        let closed = false;
        while (at < length) {
          const char = text[at]!;
          if (char === '"') {
            if (text[at + 1] === '"') {
              field += '"';
              at += 2;
              continue;
            }
            at += 1;
            closed = true;
            break;
          }
          if (char === '\n') line += 1;
          field += char;
          at += 1;
        }
        if (!closed) problem ??= 'a quoted field is never closed';
        else if (at < length && text[at] !== ',' && text[at] !== '\n' && text[at] !== '\r') problem ??= 'text after a closing quote';
      }
      // The rest of an unquoted field (or what follows a bad closing quote) up to the next comma or line break.
      const end = nextDelimiter(text, at);
      const rest = text.slice(at, end);
      if (rest.includes('"')) problem ??= 'a quote inside a field that does not start with one';
      field += rest;
      at = end;
      fields.push(field);
      if (text[at] === ',') {
        at += 1;
        continue;
      }
      break;
    }
    if (text[at] === '\r') at += 1;
    if (text[at] === '\n') {
      at += 1;
      line += 1;
    }
    const blank = fields.length === 1 && fields[0] === '' && !problem;
    if (!blank) records.push(problem ? { line: startLine, problem } : { line: startLine, fields });
  }
  return records;
}

function nextDelimiter(text: string, from: number): number {
  for (let at = from; at < text.length; at += 1) {
    const char = text[at];
    if (char === ',' || char === '\n' || char === '\r') return at;
  }
  return text.length;
}
