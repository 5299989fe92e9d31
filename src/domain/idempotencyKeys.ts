import type { RecordRef } from './crmRecord.js';

/**
 * Every key that makes an ACW write happen once, built here and only here. The texts are stored (jobs'
 * unique key, the CRMs' activity key columns), so their form never changes: a key built by a later
 * version must equal the one an earlier version stored. Nothing reads a key back: what it is built from
 * is kept in columns of its own.
 */

/** One job per (interaction, workflow, record), ever: <interaction>:<workflow>:<type>:<id>. */
export function acwJobKey(interactionId: string, workflowId: string, record: RecordRef): string {
  return `${interactionId}:${workflowId}:${record.type}:${record.id}`;
}

/** One timeline activity per (interaction, record) in the CRM, ever: <interaction>:<type>:<id>. */
export function timelineActivityKey(interactionId: string, record: RecordRef): string {
  return `${interactionId}:${record.type}:${record.id}`;
}

/** The record a memorialization writes, in its CRM configuration: one runs at a time per key. */
export function recordWriteKey(configurationId: string, record: RecordRef): string {
  return `${configurationId}:${record.type}:${record.id}`;
}
