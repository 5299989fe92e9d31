import type { WireMetadata } from './wireMetadata.js';
import type { Row } from './wireQuery.js';

/**
 * A row as the Table API answers it (REST API reference, "Table API", query parameters of GET / POST / PATCH):
 * - sysparm_fields: the columns asked for, in the asked order; a name the table does not have is left out;
 *   a dot-walked name ("super_class.name", "contact.email") follows references and keeps its dotted key;
 * - sysparm_display_value=false (the default): stored values; true: display values; all: both, as
 *   {"display_value", "value"} per column. A reference's display value is the referenced record's display
 *   field (a person's or account's name, a task's number), a choice's is its label, a date-time's is in the
 *   session user's time zone and format;
 * - references carry {"link"} unless sysparm_exclude_reference_link=true.
 * The docs are silent on what a journal field (work_notes, comments) displays: a base instance shows its
 * entries, newest first, as "<date time> - <user> (Work notes)\n<text>", which is what this server answers;
 * its stored value reads empty.
 */
export interface SerializeContext {
  url: string;
  metadata: WireMetadata;
  /** The integration user's time zone (its profile's), for display values of date-times. */
  timeZone: string;
  columns(table: string): ReadonlySet<string>;
  find(table: string, sysId: string): Row | undefined;
  /** Journal entries of a record's journal field, oldest first. */
  journal(sysId: string, element: string): Row[];
  displayFieldOf(table: string): string | undefined;
}

type Mode = 'false' | 'true' | 'all';

export function serialize(ctx: SerializeContext, table: string, row: Row, params: Record<string, string>): Record<string, unknown> {
  const columns = ctx.columns(table);
  const mode: Mode = params.sysparm_display_value === 'true' || params.sysparm_display_value === 'all' ? params.sysparm_display_value : 'false';
  const links = params.sysparm_exclude_reference_link !== 'true';
  const wanted = params.sysparm_fields
    ? params.sysparm_fields
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean)
    : [...columns];
  const out: Record<string, unknown> = {};
  for (const name of wanted) {
    const resolved = walk(ctx, table, row, name);
    if (resolved) out[name] = cell(ctx, resolved.table, resolved.row, resolved.column, mode, links);
  }
  return out;
}

/** The row and column a (possibly dot-walked) field name reads; undefined for a column the table lacks. */
function walk(ctx: SerializeContext, table: string, row: Row | undefined, name: string): { table: string; row: Row | undefined; column: string } | undefined {
  const [column, ...rest] = name.split('.');
  if (!column || !ctx.columns(table).has(column)) return undefined;
  if (rest.length === 0) return { table, row, column };
  const target = ctx.metadata.referenceOf(table, column);
  if (!target || !hasTable(ctx, target)) return undefined;
  const next = row && row[column] ? ctx.find(target, row[column]!) : undefined;
  return walk(ctx, target, next, rest.join('.'));
}

function hasTable(ctx: SerializeContext, table: string): boolean {
  return ctx.columns(table).size > 0;
}

function cell(ctx: SerializeContext, table: string, row: Row | undefined, column: string, mode: Mode, links: boolean): unknown {
  const value = row?.[column] ?? '';
  const target = ctx.metadata.referenceOf(table, column);
  const link = target && links && value !== '' ? { link: `${ctx.url}/api/now/table/${target}/${value}` } : undefined;
  if (mode === 'false') return link ? { ...link, value } : value;
  const display = displayOf(ctx, table, row, column, value, target);
  if (mode === 'true') return link ? { display_value: display, ...link } : display;
  return { display_value: display, ...link, value };
}

function displayOf(ctx: SerializeContext, table: string, row: Row | undefined, column: string, value: string, target: string | undefined): string {
  const type = ctx.metadata.typeOf(table, column);
  if (type === 'journal_input' && row?.sys_id) {
    return ctx
      .journal(row.sys_id, column)
      .reverse()
      .map((e) => `${localTime(e.sys_created_on ?? '', ctx.timeZone)} - ${e.sys_created_by} (${column === 'work_notes' ? 'Work notes' : 'Additional comments'})\n${e.value}\n\n`)
      .join('');
  }
  if (value === '') return '';
  if (target) {
    const field = ctx.displayFieldOf(target);
    const referenced = hasTable(ctx, target) ? ctx.find(target, value) : undefined;
    return field && referenced ? (referenced[field] ?? '') : '';
  }
  const label = ctx.metadata.choiceLabel(table, column, value);
  if (label !== undefined) return label;
  if (type === 'glide_date_time') return localTime(value, ctx.timeZone);
  return value;
}

/** "2026-03-04 10:20:30" (UTC) as the same format in a time zone. */
function localTime(stored: string, timeZone: string): string {
  const date = new Date(`${stored.replace(' ', 'T')}Z`);
  if (Number.isNaN(date.getTime())) return stored;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}
