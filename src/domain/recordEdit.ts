import type { FieldValue } from './crmRecord.js';

/** How the CRM describes a field, as far as an edit needs it. */
export interface EditableField {
  writable: boolean;
}

/**
 * What an agent's Save sends: only the fields they changed (compared with the card's snapshot, as stored or
 * as shown) and only those the CRM lets an update set (its description says which; without one, all).
 * A field emptied is sent as null (cleared); a field left empty that was empty is no change.
 */
export function changedFields(
  submitted: Record<string, string>,
  snapshot: { fields: Record<string, FieldValue>; display?: Record<string, string> },
  describedFields?: Record<string, EditableField>,
): { changed: Record<string, FieldValue>; readOnly: string[] } {
  const changed: Record<string, FieldValue> = {};
  const readOnly: string[] = [];
  for (const [field, raw] of Object.entries(submitted)) {
    const value = raw.trim();
    const stored = snapshot.fields[field];
    const before = stored === null || stored === undefined ? '' : String(stored);
    if (value === before || value === (snapshot.display?.[field] ?? before)) continue;
    if (describedFields && describedFields[field]?.writable !== true) {
      readOnly.push(field);
      continue;
    }
    changed[field] = value === '' ? null : value;
  }
  return { changed, readOnly };
}
