/**
 * North American numbers as people write them, from a seed (the same numbers every run): +1, an area code and
 * a number that start with 2-9, with spaces, dots, dashes or parentheses here and there. `prefix` writes the
 * country code's lead ("+", or "00" now and then), from the same random sequence.
 */
export function writtenNanpNumbers(seed: number, count: number, prefix: (next: () => number) => string = () => '+'): string[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) >>> 0) / 4294967296;
  const separators = [' ', '(', ')', '-', '.', ' (', ') '];
  const numbers: string[] = [];
  for (let i = 0; i < count; i++) {
    const digits = `1${2 + Math.floor(next() * 8)}${Math.floor(next() * 100)
      .toString()
      .padStart(2, '0')}${2 + Math.floor(next() * 8)}${Math.floor(next() * 1e6)
      .toString()
      .padStart(6, '0')}`;
    let written = prefix(next);
    for (const d of digits) written += (next() < 0.3 ? separators[Math.floor(next() * separators.length)] : '') + d;
    numbers.push(written);
  }
  return numbers;
}
