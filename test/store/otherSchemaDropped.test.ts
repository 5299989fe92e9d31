import { describe, expect, it } from 'vitest';
import { isOtherSchemaDropped } from '../../src/store/database.js';

// Migrating while other test files drop their schemas: Kysely's migrator reads every table of the database,
// and one dropped under it fails the read. Only another schema's loss is worth a second try.
describe('a migration failed by another schema dropped meanwhile', () => {
  it('is retried when another schema, or a table of another schema, went away', () => {
    expect(isOtherSchemaDropped(new Error('schema "t_other" does not exist'), 't_mine')).toBe(true);
    expect(isOtherSchemaDropped(new Error('database migration  failed: relation "t_other.acd_events" does not exist'), 't_mine')).toBe(true);
    // The migrator's own read of the tables, while another schema's migration rewrote one (seen in CI).
    expect(isOtherSchemaDropped(new Error('database migration  failed: column "kind" of relation "contact_log" does not exist'), 't_mine')).toBe(true);
  });

  it('is not retried for its own schema or any other failure', () => {
    expect(isOtherSchemaDropped(new Error('schema "t_mine" does not exist'), 't_mine')).toBe(false);
    expect(isOtherSchemaDropped(new Error('relation "t_mine.acd_events" does not exist'), 't_mine')).toBe(false);
    expect(isOtherSchemaDropped(new Error('relation "acd_events" does not exist'), 't_mine')).toBe(false);
    expect(isOtherSchemaDropped(new Error('syntax error at or near "tabel"'), 't_mine')).toBe(false);
    // One of our own migrations naming a column that is not there is a bug, not a race.
    expect(isOtherSchemaDropped(new Error('database migration 025_wide_log_ids failed: column "kind" of relation "contact_log" does not exist'), 't_mine')).toBe(false);
  });
});
