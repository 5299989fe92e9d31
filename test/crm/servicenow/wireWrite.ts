import { randomBytes } from 'node:crypto';
import type { Row } from './wireQuery.js';
import { SCHEMAS } from './wireSchemas.js';

/** What a write needs of the server's store. */
export interface WriteContext {
  columns(table: string): ReadonlySet<string>;
  now(): Date;
  username: string;
  /** Data policies: columns that must have a value, per table. */
  mandatory: Record<string, string[]>;
  rows: Map<string, Map<string, Row>>;
  counters: Map<string, number>;
  failure(message: string, detail: string | null): unknown;
}

/**
 * POST / PATCH of a row as the platform applies it: unknown and system columns ignored, defaults and a
 * number on insert, journal fields (work_notes, comments) written to sys_journal_field and kept empty on
 * the row, data policies (403 "Data Policy Exception" naming the mandatory fields by label), a person's
 * calculated name, a task's active flag from its state.
 */
export function writeRow(ctx: WriteContext, table: string, input: Record<string, unknown>, existing: Row | undefined): { row: Row } | { error: unknown } {
  const schema = SCHEMAS[table]!;
  const home = existing ? existing.sys_class_name! : table;
  const columns = ctx.columns(home);
  const stamp = formatDate(ctx.now());
  const row: Row = existing ? { ...existing } : {};
  if (!existing) {
    for (const column of columns) row[column] = '';
    Object.assign(row, schema.defaults ?? {});
    row.sys_id = randomBytes(16).toString('hex');
    row.sys_created_on = stamp;
    row.sys_created_by = ctx.username;
    row.sys_class_name = table;
    row.sys_domain = 'global';
    row.sys_mod_count = '0';
    if (schema.numberPrefix) row.number = nextNumber(ctx, table, schema.numberPrefix);
    if (columns.has('opened_at')) row.opened_at = stamp;
  } else {
    row.sys_mod_count = String(Number(row.sys_mod_count ?? 0) + 1);
  }
  const journal: Array<[string, string]> = [];
  for (const [column, value] of Object.entries(input)) {
    // Unknown columns are ignored, and so are system columns; journal fields go to the journal.
    if (!columns.has(column) || column.startsWith('sys_')) continue;
    const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    if (SCHEMAS[home]?.journal?.includes(column)) {
      if (text !== '') journal.push([column, text]);
      continue;
    }
    row[column] = text;
  }
  const missing = (ctx.mandatory[home] ?? []).filter((column) => (row[column] ?? '') === '');
  if (missing.length > 0) {
    return { error: ctx.failure('Operation Failed', `Data Policy Exception: \n\tThe following fields are mandatory: ${missing.map(label).join(', ')}\n`) };
  }
  if (SCHEMAS[home]?.person) row.name = [row.first_name, row.middle_name, row.last_name].filter(Boolean).join(' ');
  const closed = SCHEMAS[home]?.closedStates;
  if (closed) row.active = closed.includes(row.state ?? '') ? 'false' : 'true';
  row.sys_updated_on = stamp;
  row.sys_updated_by = ctx.username;
  ctx.rows.get(home)!.set(row.sys_id!, row);
  for (const [element, value] of journal) {
    const entry: Row = {};
    for (const column of SCHEMAS.sys_journal_field!.columns) entry[column] = '';
    Object.assign(entry, {
      sys_id: randomBytes(16).toString('hex'),
      sys_created_on: stamp,
      sys_created_by: ctx.username,
      sys_class_name: 'sys_journal_field',
      name: home,
      element,
      element_id: row.sys_id!,
      value,
    });
    ctx.rows.get('sys_journal_field')!.set(entry.sys_id!, entry);
  }
  return { row };
}

function nextNumber(ctx: WriteContext, table: string, prefix: string): string {
  const next = (ctx.counters.get(table) ?? 10000) + 1;
  ctx.counters.set(table, next);
  return `${prefix}${String(next).padStart(7, '0')}`;
}

function label(column: string): string {
  const words = column.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function formatDate(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
