import { describe, expect, it } from 'vitest';
import { parseActionData } from '../../src/actions/actionData.js';
import { defineAction } from '../../src/actions/defineAction.js';
import { actionRegistry, actionSchema, CARD_ACTIONS, isCardVerb } from '../../src/actions/registry.js';
import { noticeCard } from '../../src/cards/noticeCard.js';
import { VERBS, type Verb } from '../../src/cards/verbs.js';

const ID = '6f1c1b7e-3c1a-4d7e-9a51-0c2d3e4f5a6b';

/** Each required field: a value that passes, one that is too long (or malformed), and the refusal it gets. */
const FIELDS = {
  interactionId: { valid: ID, bad: `${ID}0`, refusal: 'must be an interaction ID' },
  recordType: { valid: 'contact', bad: 'a'.repeat(65), refusal: 'must be a record type' },
  recordId: { valid: 'con-1', bad: 'a'.repeat(201), refusal: 'String must contain at most 200 character(s)' },
  query: { valid: 'garcia', bad: 'a'.repeat(101), refusal: 'String must contain at most 100 character(s)' },
  lastName: { valid: 'Garcia', bad: 'a'.repeat(81), refusal: 'String must contain at most 80 character(s)' },
  subject: { valid: 'Broken order', bad: 'a'.repeat(201), refusal: 'String must contain at most 200 character(s)' },
  entity: { valid: 'incident', bad: 'a'.repeat(65), refusal: 'must be a record type' },
  fields: { valid: 'title=Broken', bad: 'a'.repeat(8001), refusal: 'String must contain at most 8000 character(s)' },
  duplicateQuery: { valid: 'maria', bad: 'a'.repeat(101), refusal: 'String must contain at most 100 character(s)' },
  customerId: { valid: ID, bad: 'not-a-card', refusal: 'must be a customer card ID' },
  disposition: { valid: 'Resolved', bad: 'a'.repeat(201), refusal: 'String must contain at most 200 character(s)' },
  replyId: { valid: `${ID}-1a2b3c4d`, bad: `${ID}-<script>`, refusal: "must be the card's reply ID" },
  replyText: { valid: 'Your order ships today.', bad: 'a'.repeat(2001), refusal: 'String must contain at most 2000 character(s)' },
  // A choice list answers a missing status as a wrong one: "choose a status".
  threadStatus: { valid: 'Pending', bad: 'Reopened', refusal: 'choose a status', missing: 'choose a status' },
  transferTo: { valid: 'skill:Billing', bad: 'skill:x', refusal: 'choose an agent or a skill' },
} as const;
type Field = keyof typeof FIELDS;

/** What each verb's data must carry. */
const REQUIRED: Record<Verb, Field[]> = {
  [VERBS.show]: ['interactionId'],
  [VERBS.refresh]: ['interactionId'],
  [VERBS.link]: ['interactionId', 'recordType', 'recordId'],
  [VERBS.unlink]: ['interactionId', 'recordType', 'recordId'],
  [VERBS.details]: ['interactionId', 'recordType', 'recordId'],
  [VERBS.updateRecord]: ['interactionId', 'recordType', 'recordId'],
  [VERBS.lookupDetails]: ['recordType', 'recordId'],
  [VERBS.search]: ['interactionId', 'query'],
  [VERBS.createContact]: ['interactionId', 'lastName'],
  [VERBS.createCase]: ['interactionId', 'subject'],
  [VERBS.createCustom]: ['interactionId', 'entity', 'fields'],
  [VERBS.findDuplicates]: ['interactionId', 'duplicateQuery'],
  [VERBS.mergeCustomer]: ['interactionId', 'customerId'],
  [VERBS.completeAcw]: ['interactionId', 'disposition'],
  [VERBS.reply]: ['interactionId', 'replyId', 'replyText'],
  [VERBS.saveOutcome]: ['interactionId', 'threadStatus'],
  [VERBS.transfer]: ['interactionId', 'transferTo'],
  [VERBS.unassign]: ['interactionId'],
  [VERBS.dismiss]: ['interactionId'],
};

const validData = (verb: Verb): Record<string, string> => Object.fromEntries(REQUIRED[verb].map((field) => [field, FIELDS[field].valid]));
const parse = (verb: Verb, data: unknown) => parseActionData(actionSchema(verb), data);
const refusal = (text: string) => `The card sent bad data: ${text}.`;

const cases = (Object.entries(REQUIRED) as Array<[Verb, Field[]]>).flatMap(([verb, fields]) => fields.map((field) => [verb, field] as const));

describe('card action schemas', () => {
  it.each(Object.values(VERBS))('%s: its valid data parses, keeping what it carries', (verb) => {
    expect(parse(verb, validData(verb))).toMatchObject(validData(verb));
  });

  it.each(cases)('%s: without %s, refused naming the field', (verb, field) => {
    const { [field]: _missing, ...rest } = validData(verb);
    const missing = 'missing' in FIELDS[field] ? FIELDS[field].missing : 'Required';
    expect(() => parse(verb, rest)).toThrow(refusal(`${field}: ${missing}`));
  });

  it.each(cases)('%s: with %s too long or malformed, refused naming the field', (verb, field) => {
    expect(() => parse(verb, { ...validData(verb), [field]: FIELDS[field].bad })).toThrow(refusal(`${field}: ${FIELDS[field].refusal}`));
  });

  it('refuses what is not an object, and empty inputs the card sends as blanks', () => {
    expect(() => parse(VERBS.show, null)).toThrow(refusal('Expected object, received null'));
    expect(() => parse(VERBS.search, { interactionId: ID, query: '  ' })).toThrow(refusal('query: type what to search for'));
    expect(() => parse(VERBS.findDuplicates, { interactionId: ID, duplicateQuery: 'a' })).toThrow(refusal('duplicateQuery: type at least 2 characters'));
    expect(() => parse(VERBS.completeAcw, { interactionId: ID, disposition: ' ' })).toThrow(refusal('disposition: choose a disposition'));
    expect(() => parse(VERBS.createCustom, { interactionId: ID, entity: 'incident', fields: '' })).toThrow(refusal('fields: give at least one field'));
    expect(() => parse(VERBS.reply, { interactionId: ID, replyId: `${ID}-1a2b3c4d`, replyText: '   ' })).toThrow(refusal('replyText: type a reply'));
  });

  it('checks the optional fields it is given, and turns blank ones into "not given"', () => {
    expect(() => parse(VERBS.createContact, { ...validData(VERBS.createContact), email: 'nope' })).toThrow(refusal('email: must be an email address'));
    expect(() => parse(VERBS.completeAcw, { ...validData(VERBS.completeAcw), notes: 'a'.repeat(8001) })).toThrow(refusal('notes: String must contain at most 8000 character(s)'));
    expect(parse(VERBS.createContact, { ...validData(VERBS.createContact), firstName: '  ', phone: '' })).toMatchObject({ firstName: undefined, phone: undefined });
    expect(parse(VERBS.completeAcw, validData(VERBS.completeAcw))).toMatchObject({ notes: '' });
    expect(parse(VERBS.saveOutcome, validData(VERBS.saveOutcome))).toMatchObject({ threadTags: '', threadNotes: '' });
    expect(() => parse(VERBS.saveOutcome, { ...validData(VERBS.saveOutcome), threadTags: 'a'.repeat(501) })).toThrow(refusal('threadTags: String must contain at most 500 character(s)'));
    expect(() => parse(VERBS.saveOutcome, { ...validData(VERBS.saveOutcome), threadNotes: 'a'.repeat(4001) })).toThrow(refusal('threadNotes: String must contain at most 4000 character(s)'));
    expect(parse(VERBS.transfer, { interactionId: ID, transferTo: 'agent:00000000-aaaa' })).toMatchObject({ transferTo: 'agent:00000000-aaaa' });
    expect(() => parse(VERBS.transfer, { interactionId: ID, transferTo: 'agent:has space' })).toThrow(refusal('transferTo: choose an agent or a skill'));
  });
});

describe('card action registry', () => {
  it('knows every verb, and nothing else', () => {
    for (const verb of Object.values(VERBS)) expect(isCardVerb(verb)).toBe(true);
    for (const verb of ['customerCard.nope', 'toString', '__proto__', '']) expect(isCardVerb(verb)).toBe(false);
  });

  it('refuses a verb defined twice, and a verb with no action', () => {
    const again = defineAction({ verb: VERBS.show, schema: actionSchema(VERBS.show), run: async () => noticeCard('unused') });
    expect(() => actionRegistry([...CARD_ACTIONS, again])).toThrow(/customerCard\.show is defined twice/);
    expect(() => actionRegistry(CARD_ACTIONS.filter((action) => action.verb !== VERBS.completeAcw))).toThrow(/missing for: customerCard\.completeAcw/);
    expect(actionRegistry(CARD_ACTIONS).size).toBe(Object.values(VERBS).length);
  });
});
