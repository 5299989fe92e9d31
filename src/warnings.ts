/**
 * Process warnings that say nothing to whoever runs the app. Imported first by src/index.ts, so it is in place
 * before anything below loads restify.
 *
 * DEP0111: restify 11 loads spdy, whose http-deceiver reads `process.binding('http_parser')` (twice) on Node 20;
 * nothing here can act on it, and it was printed twice on every start. Every other warning and deprecation is
 * printed as before.
 */
const SILENCED = new Set(['DEP0111']);

const codeOf = (warning: string | Error, typeOrOptions: unknown, code: unknown): unknown => {
  if (warning instanceof Error && 'code' in warning) return warning.code;
  if (typeof typeOrOptions === 'object' && typeOrOptions !== null && 'code' in typeOrOptions) return typeOrOptions.code;
  return code;
};

const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: string | Error, typeOrOptions?: unknown, code?: unknown, ...rest: unknown[]) => {
  if (SILENCED.has(String(codeOf(warning, typeOrOptions, code)))) return;
  emitWarning(warning, typeOrOptions, code, ...rest);
}) as typeof process.emitWarning;
