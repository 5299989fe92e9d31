/** A CSV cell: text, a number, or nothing (an empty cell). */
export type CsvCell = string | number | null | undefined;

/** Text a spreadsheet would run as a formula (=, +, -, @, or a tab or carriage return first). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break, quotes doubled.
 * Text that a spreadsheet would take for a formula gets a leading apostrophe (OWASP's CSV injection advice):
 * an agent's name or a skill comes from people and ACDs, and a supervisor opens the file in Excel. Numbers
 * are written as they are.
 */
function cell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document (RFC 4180): the header line, then one line per row, each ended by CRLF. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  return [header, ...rows].map((line) => `${line.map(cell).join(',')}\r\n`).join('');
}
