import type { RecordRef } from './crmRecord.js';
import type { FieldView } from './customerCard.js';

/** What the Details view of one record shows, independent of how it is drawn. */
export interface RecordDetails {
  /** The card it was opened from; null for a record found by a search outside a call (read only). */
  interactionId: string | null;
  readOnly: boolean;
  record: { ref: RecordRef; typeLabel: string; name: string; linked: boolean };
  /** Every field the CRM returned, mapped fields first. */
  fields: FieldView[];
  /** Fields the agent may edit (the displayed ones), with their current values. */
  editable: Array<{ field: string; label: string; value: string }>;
  activities: Array<{ subject: string; when: string; description: string }>;
  canUpdate: boolean;
}
