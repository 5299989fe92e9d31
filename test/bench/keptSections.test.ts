import { describe, expect, it } from 'vitest';
import { keptSections, withKeptSections } from '../../bench/lib/keptSections.js';

describe('BENCHMARKS.md sections kept across a whole run', () => {
  const previous = `# Benchmarks\n\nold table\n\n<!-- kept:issue-12:start -->\n## By hand\n\nfigures\n<!-- kept:issue-12:end -->\n\nold notes\n<!-- kept:digital:start -->\n## Digital\n<!-- kept:digital:end -->\n`;

  it('finds each marked section whole, markers included', () => {
    expect(keptSections(previous)).toEqual(['<!-- kept:issue-12:start -->\n## By hand\n\nfigures\n<!-- kept:issue-12:end -->', '<!-- kept:digital:start -->\n## Digital\n<!-- kept:digital:end -->']);
  });

  it('carries the sections over to the end of a rewritten file, and only those the new file lacks', () => {
    const next = '# Benchmarks\n\nnew table\n';
    expect(withKeptSections(previous, next)).toBe(
      '# Benchmarks\n\nnew table\n\n<!-- kept:issue-12:start -->\n## By hand\n\nfigures\n<!-- kept:issue-12:end -->\n\n<!-- kept:digital:start -->\n## Digital\n<!-- kept:digital:end -->\n',
    );
    const already = `${next}\n<!-- kept:digital:start -->\n## Digital, rewritten\n<!-- kept:digital:end -->\n`;
    expect(withKeptSections(previous, already)).toContain('## Digital, rewritten');
    expect(withKeptSections(previous, already)).not.toContain('## Digital\n');
    expect(withKeptSections('no sections', next)).toBe(next);
  });

  it('leaves out an unterminated section rather than swallowing the rest of the file', () => {
    expect(keptSections('<!-- kept:a:start -->\n## A\n\nrest of the file')).toEqual([]);
  });
});
