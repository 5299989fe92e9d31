import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from '../../src/store/statementCache.js';

describe('the prepared statement cache under Kysely', () => {
  const sqlite = new Database(':memory:');

  it('prepares each SQL text once, and keeps only the most recently used', () => {
    let prepared = 0;
    const counting = new Proxy(sqlite, {
      get(target, property) {
        if (property === 'prepare') return (text: string) => (prepared++, target.prepare(text));
        return Reflect.get(target, property) as unknown;
      },
    });
    const db = withStatementCache(counting, 2);
    const a = db.prepare('select 1 as a');
    expect(db.prepare('select 1 as a')).toBe(a);
    expect(prepared).toBe(1);
    expect(a.all([])).toEqual([{ a: 1 }]);
    db.prepare('select 2 as b');
    db.prepare('select 1 as a'); // used again: now the most recent
    db.prepare('select 3 as c'); // over the size: "select 2" goes, not "select 1"
    expect(prepared).toBe(3);
    expect(db.prepare('select 1 as a')).toBe(a);
    db.prepare('select 2 as b');
    expect(prepared).toBe(4);
  });

  it('gives a statement that still works after the schema changed', () => {
    const db = withStatementCache(sqlite);
    db.prepare('create table t (x integer)').run([]);
    const insert = db.prepare('insert into t (x) values (?)');
    insert.run([1]);
    db.prepare('alter table t add column y text').run([]);
    insert.run([2]);
    expect(db.prepare('select x, y from t order by x').all([])).toEqual([
      { x: 1, y: null },
      { x: 2, y: null },
    ]);
  });
});
