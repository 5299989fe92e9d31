import type { OrgView } from './wireQuery.js';
import { fieldNamed, isIdShaped, NUMBER_TYPES, OBJECTS, TEXT_TYPES, type ObjectDef } from './wireSchema.js';
import type { ValidationRule } from './wireServer.js';

/**
 * A DML write (create or update) as Salesforce validates it, per the REST API Developer Guide's error
 * codes: unknown fields (INVALID_FIELD), read-only ones (INVALID_FIELD_FOR_INSERT_UPDATE), wrong types,
 * bad references, required fields, validation rules and unique fields, then the computed fields.
 */

export interface DmlOrg {
  view: OrgView;
  validationRules: readonly ValidationRule[];
}

/** Applies input to fields as Salesforce validates a DML; returns its errors (empty when written). */
export function applyDml(org: DmlOrg, object: ObjectDef, fields: Record<string, unknown>, input: Record<string, unknown>, mode: 'create' | 'update'): Array<Record<string, unknown>> {
  const errors: Array<Record<string, unknown>> = [];
  const readOnly: string[] = [];
  for (const [rawName, value] of Object.entries(input)) {
    const field = fieldNamed(object, rawName);
    if (!field) {
      errors.push({ message: `No such column '${rawName}' on sobject of type ${object.name}`, errorCode: 'INVALID_FIELD', fields: [] });
      continue;
    }
    const def = object.fields[field]!;
    if (def.readOnly || (mode === 'update' && field === 'TaskSubtype')) {
      readOnly.push(field);
      continue;
    }
    const problem = valueProblem(org, object, field, value);
    if (problem) {
      errors.push({ ...problem, fields: [field] });
      continue;
    }
    fields[field] = value === null ? null : NUMBER_TYPES.has(def.type) ? Number(value) : TEXT_TYPES.has(def.type) ? String(value) : value;
  }
  if (readOnly.length > 0) {
    errors.push({
      message: `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
      fields: readOnly,
    });
  }
  if (errors.length > 0) return errors;

  const missing = Object.entries(object.fields)
    .filter(([field, def]) => def.required && (fields[field] === null || fields[field] === undefined || fields[field] === ''))
    .map(([field]) => field);
  if (missing.length > 0) return [{ message: `Required fields are missing: [${missing.join(', ')}]`, errorCode: 'REQUIRED_FIELD_MISSING', fields: missing }];

  derive(org, object, fields);
  for (const rule of org.validationRules) {
    if (rule.object === object.name && rule.breaks(fields)) {
      errors.push({ message: rule.message, errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', fields: [rule.field] });
    }
  }
  for (const [field, def] of Object.entries(object.fields)) {
    if (!def.unique || fields[field] === null) continue;
    const other = org.view.all(object.name).find((r) => r.fields.Id !== fields.Id && String(r.fields[field]).toLowerCase() === String(fields[field]).toLowerCase());
    if (other) {
      errors.push({ message: `duplicate value found: ${field} duplicates value on record with id: ${String(other.fields.Id)}`, errorCode: 'DUPLICATE_VALUE', fields: [] });
    }
  }
  return errors;
}

/** What is wrong with a value for a field, as Salesforce words it, if anything. */
function valueProblem(org: DmlOrg, object: ObjectDef, field: string, value: unknown): { message: string; errorCode: string } | undefined {
  const def = object.fields[field]!;
  if (value === null) return undefined;
  if (typeof value === 'object') return { message: `Cannot deserialize instance of ${def.type} from START_OBJECT value`, errorCode: 'JSON_PARSER_ERROR' };
  if (def.type === 'reference') {
    if (typeof value !== 'string' || !isIdShaped(value)) return { message: `${field}: id value of incorrect type: ${String(value)}`, errorCode: 'MALFORMED_ID' };
    const target = org.view.byId(value);
    const allowed = def.refersTo ?? [];
    if (!allowed.some((name) => OBJECTS[name]?.prefix === value.slice(0, 3))) {
      return { message: `${field}: id value of incorrect type: ${value}`, errorCode: 'FIELD_INTEGRITY_EXCEPTION' };
    }
    if (!target) return { message: 'invalid cross reference id', errorCode: 'INVALID_CROSS_REFERENCE_KEY' };
    return undefined;
  }
  if (def.type === 'boolean' && typeof value !== 'boolean') return { message: `Cannot deserialize instance of boolean from VALUE_STRING value ${String(value)}`, errorCode: 'JSON_PARSER_ERROR' };
  if (NUMBER_TYPES.has(def.type) && (typeof value === 'boolean' || Number.isNaN(Number(value)) || (def.type === 'int' && !Number.isInteger(Number(value))))) {
    return { message: `${field}: value not of required type: ${String(value)}`, errorCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD' };
  }
  if (def.type === 'date' && (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))) {
    return { message: `${field}: value not of required type: ${String(value)}`, errorCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD' };
  }
  if (def.type === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(value))) return { message: `${field}: invalid email address: ${String(value)}`, errorCode: 'INVALID_EMAIL_ADDRESS' };
  if (TEXT_TYPES.has(def.type) && def.maxLength && String(value).length > def.maxLength) {
    return { message: `${field}: data value too large: ${String(value).slice(0, 40)} (max length=${def.maxLength})`, errorCode: 'STRING_TOO_LONG' };
  }
  return undefined;
}

/** Computed fields: person names, closed flags, a task's account. */
function derive(org: DmlOrg, object: ObjectDef, fields: Record<string, unknown>): void {
  if (object.name === 'Contact' || object.name === 'Lead') {
    fields.Name = [fields.FirstName, fields.LastName].filter((v) => typeof v === 'string' && v !== '').join(' ');
  }
  if (object.name === 'Case') {
    fields.IsClosed = fields.Status === 'Closed';
    fields.ClosedDate = fields.IsClosed ? (fields.ClosedDate ?? salesforceNow()) : null;
  }
  if (object.name === 'WorkOrder') fields.IsClosed = fields.Status === 'Closed' || fields.Status === 'Completed';
  if (object.name === 'Opportunity') {
    fields.IsClosed = fields.StageName === 'Closed Won' || fields.StageName === 'Closed Lost';
    fields.IsWon = fields.StageName === 'Closed Won';
  }
  if (object.name === 'Task') {
    fields.IsClosed = fields.Status === 'Completed';
    const what = typeof fields.WhatId === 'string' ? org.view.byId(fields.WhatId) : undefined;
    const who = typeof fields.WhoId === 'string' ? org.view.byId(fields.WhoId) : undefined;
    fields.AccountId = what?.object.name === 'Account' ? what.fields.Id : ((what?.fields.AccountId as string | undefined) ?? (who?.object.name === 'Contact' ? who.fields.AccountId : null) ?? null);
  }
}

/** Salesforce's dateTime format, to the second: 2026-03-14T09:30:00.000+0000. */
export function salesforceNow(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('Z', '+0000');
}
