import type { Compilable, CompiledQuery, DialectAdapter, QueryResult } from 'kysely';
import type { Db } from './db.js';

/** Stands in for a value while the query is built: the value it names (an item of it, for a list) goes where it went. */
class Slot {
  constructor(
    readonly name: string,
    readonly index?: number,
  ) {}

  get label(): string {
    return this.index === undefined ? this.name : `${this.name}[${this.index}]`;
  }
}

/** Where each parameter of the compiled SQL comes from: a value of the call (an item of a list), or a constant of the query. */
type Source = { slot: Slot } | { constant: unknown };

interface Compiled {
  sql: string;
  sources: Source[];
  query: CompiledQuery['query'];
}

type ListNames<V> = { [K in keyof V & string]: V[K] extends readonly unknown[] ? K : never }[keyof V & string];

/**
 * What a query's `build` gets: the stand-in of a value by its name; of several at once, by column name (`row`);
 * of the first `count` items of a list value (`list`: an `in` list, or rows, of a query prepared for that count).
 */
export interface Values<V> {
  <K extends keyof V & string>(name: K): V[K];
  row<K extends keyof V & string>(columns: readonly K[]): Pick<V, K>;
  list<K extends ListNames<V>>(name: K, count: number): Array<V[K] extends ReadonlyArray<infer T> ? T : never>;
}

/**
 * A query Kysely builds and compiles once per database, then runs with each call's values. Building and
 * compiling took about 30 µs a statement, half of what SQLite took to run and commit an insert, for SQL that
 * is the same on every call of a hot path (bench: call → card, ACD events).
 *
 * `build` receives `value(name)`, a stand-in for the value of that name (`value.row(columns)`: a row of them),
 * and must put each stand-in into the query as a value (a column's value, an operand), untouched. It sees no
 * values, so it cannot branch on one: a query whose shape depends on its values (an `in` list, several rows)
 * is one per shape (`preparedShapes`), its items given as a list (`value.list`). The first run checks that every stand-in reached the query as a
 * parameter, and throws otherwise.
 */
export function preparedQuery<V extends object>() {
  return <R>(build: (db: Db, value: Values<V>) => Compilable<R>): PreparedQuery<V, R> => new PreparedQuery<V, R>(build as never);
}

export class PreparedQuery<V extends object, R> {
  // Per database (its dialect adapter): SQLite and PostgreSQL compile the same query to different SQL.
  // A Kysely with plugins shares its adapter but may change the query: it compiles every time (tests count so).
  private readonly compiled = new WeakMap<DialectAdapter, Compiled>();

  constructor(private readonly build: (db: Db, value: Values<Record<string, unknown>>) => Compilable<R>) {}

  /** Runs the query on `db` (a connection or a transaction) with `values`. */
  async run(db: Db, values: V): Promise<QueryResult<R>> {
    const { adapter, plugins } = db.getExecutor();
    let compiled = plugins.length ? undefined : this.compiled.get(adapter);
    if (!compiled) {
      compiled = this.compile(db);
      if (!plugins.length) this.compiled.set(adapter, compiled);
    }
    const given = values as Record<string, unknown>;
    const parameters = compiled.sources.map(({ slot, constant }: { slot?: Slot; constant?: unknown }) =>
      !slot ? constant : slot.index === undefined ? given[slot.name] : (given[slot.name] as readonly unknown[])[slot.index],
    );
    return db.executeQuery<R>({ sql: compiled.sql, parameters, query: compiled.query, queryId: { queryId: '' } } as CompiledQuery<R>);
  }

  /** The rows the query returns. */
  async rows(db: Db, values: V): Promise<R[]> {
    return (await this.run(db, values)).rows;
  }

  /** The first row the query returns, if any. */
  async first(db: Db, values: V): Promise<R | undefined> {
    return (await this.run(db, values)).rows[0];
  }

  /** How many rows an insert, update or delete changed. */
  async changed(db: Db, values: V): Promise<number> {
    return Number((await this.run(db, values)).numAffectedRows ?? 0);
  }

  private compile(db: Db): Compiled {
    const named = new Set<string>();
    const slot = (name: string, index?: number) => {
      const made = new Slot(name, index);
      named.add(made.label);
      return made;
    };
    const value = Object.assign((name: string) => slot(name), {
      row: (columns: readonly string[]) => Object.fromEntries(columns.map((column) => [column, slot(column)])),
      list: (name: string, count: number) => Array.from({ length: count }, (_, index) => slot(name, index)),
    }) as unknown as Values<Record<string, unknown>>;
    const { sql, parameters, query } = this.build(db, value).compile();
    const sources = parameters.map((p): Source => (p instanceof Slot ? { slot: p } : { constant: p }));
    const reached = new Set(sources.flatMap((s) => ('slot' in s ? [s.slot.label] : [])));
    const lost = [...named].filter((name) => !reached.has(name));
    if (lost.length) throw new Error(`prepared query: ${lost.join(', ')} did not reach the query as a value (${sql.slice(0, 80)}…)`);
    return { sql, sources, query };
  }
}

/**
 * Prepared queries whose SQL depends on the call only through a small set of shapes (which columns an update
 * sets, say): one per shape, made the first time that shape is asked for. `shapes` bounds how many are kept.
 */
export function preparedShapes<S, Q>(keyOf: (shape: S) => string, make: (shape: S) => Q, shapes = 64): (shape: S) => Q {
  const made = new Map<string, Q>();
  return (shape) => {
    const key = keyOf(shape);
    let query = made.get(key);
    if (!query) {
      query = make(shape);
      if (made.size < shapes) made.set(key, query);
    }
    return query;
  };
}
