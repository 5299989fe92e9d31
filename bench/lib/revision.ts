import { execFileSync } from 'node:child_process';
import { REPO } from './child.js';

/** The commit measured, and whether src/ or config/ had uncommitted changes (others edit them while a run goes on). */
export function revision(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'config'], { cwd: REPO, encoding: 'utf8' }).trim();
    return dirty ? `${head} with uncommitted changes in ${dirty.split('\n').length} file(s) under src/ or config/` : head;
  } catch {
    return 'unknown (no git)';
  }
}
