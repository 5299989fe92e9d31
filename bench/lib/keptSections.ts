/**
 * Hand-written sections of BENCHMARKS.md (a figure run by hand, a measurement a whole run does not take) sit
 * between `<!-- kept:<name>:start -->` and `<!-- kept:<name>:end -->`. A whole `npm run bench` rewrites the file
 * and carries them over at its end, so a run never drops what it did not measure itself.
 */
const KEPT = /<!-- kept:([a-z0-9-]+):start -->[\s\S]*?<!-- kept:\1:end -->/g;

export function keptSections(previous: string): string[] {
  return [...previous.matchAll(KEPT)].map((match) => match[0]);
}

export function withKeptSections(previous: string, next: string): string {
  const missing = keptSections(previous).filter((section) => !next.includes(section.slice(0, section.indexOf('-->') + 3)));
  return missing.length ? `${next.trimEnd()}\n\n${missing.join('\n\n')}\n` : next;
}
