/**
 * `${{VAR}}` placeholders, as the Teams Toolkit writes them in appPackage/manifest.json.
 * Filling works on the parsed JSON (string values only), so a value with quotes or backslashes can
 * never break the JSON.
 */

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Thrown when placeholders have no value; lists every missing variable, not just the first. */
export class MissingVariablesError extends Error {
  constructor(
    readonly missing: string[],
    whereToSet: (name: string) => string,
  ) {
    super(`${missing.length} placeholder(s) have no value:\n` + missing.map((name) => `  - \${{${name}}}: set ${name} in ${whereToSet(name)}`).join('\n'));
    this.name = 'MissingVariablesError';
  }
}

function walk(node: unknown, onString: (s: string) => string): unknown {
  if (typeof node === 'string') return onString(node);
  if (Array.isArray(node)) return node.map((item) => walk(item, onString));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, walk(value, onString)]));
  }
  return node;
}

/** Names of all variables used as placeholders, in order of first use. */
export function findPlaceholders(template: unknown): string[] {
  const names = new Set<string>();
  walk(template, (s) => {
    for (const match of s.matchAll(PLACEHOLDER)) names.add(match[1] as string);
    return s;
  });
  return [...names];
}

/**
 * Returns a copy of template with every `${{VAR}}` in a string value replaced by values[VAR].
 * A variable missing from values (undefined) is an error; an empty string is a value.
 */
export function fillPlaceholders<T>(template: T, values: Readonly<Record<string, string | undefined>>, whereToSet: (name: string) => string = () => 'the environment'): T {
  const missing = findPlaceholders(template).filter((name) => values[name] === undefined);
  if (missing.length > 0) throw new MissingVariablesError(missing, whereToSet);
  return walk(template, (s) => s.replace(PLACEHOLDER, (_, name: string) => values[name] as string)) as T;
}
