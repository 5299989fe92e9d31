import type { CrmRecord, FieldValue } from '../../domain/crmRecord.js';
import { CrmError, type SearchableRole, type TextSearchResult } from '../port.js';
import { foldText } from '../textFold.js';
import type { ZendeskReader } from './reader.js';
import { isZendeskId, TYPE_LABELS, type ZendeskType } from './records.js';
import type { ZendeskSearch } from './search.js';
import { emailQuery } from './searchQuery.js';
import type { Json, ZendeskApi } from './zendeskApi.js';

/** What an agent types is bounded before it reaches Zendesk. */
const MAX_TEXT = 200;
const MAX_WORDS = 6;
const MAX_WORD = 60;

/** Zendesk has no leads: a lead role finds nothing here (users are persons). */
const TYPE_OF_ROLE: Partial<Record<SearchableRole, ZendeskType>> = { person: 'user', organization: 'organization', case: 'ticket' };
/** The Search API keyword each type's words are sent under (tickets: free text, i.e. subject, description, comments). */
const KEYWORD: Record<ZendeskType, string | null> = { user: 'name', organization: 'name', ticket: null };
/** The fields the words are checked against once Zendesk answered. */
const CHECKED: Record<ZendeskType, string[]> = { user: ['name', 'email'], organization: ['name'], ticket: ['subject', 'description'] };

/**
 * A search box's text through the Search API, as Zendesk matches it (its search reference: a word matches
 * itself and the start of longer words; not the middle or end of one): each word is sent as `name:word*`,
 * never a bare `type:user`. Zendesk's documentation says nothing of accents, so a word typed with accents is
 * searched as typed and without them, and the answers merged. Each answer is checked again here (every word
 * starts a word of the name, accents and case folded). A ticket is found by its number ("#42" or "42")
 * with GET /tickets/{id}. Each type is a request of its own: a 403 on one is named in `refused`, and what
 * the others found is kept.
 */
export class ZendeskTextSearch {
  constructor(
    private readonly api: ZendeskApi,
    private readonly search: ZendeskSearch,
    private readonly reader: ZendeskReader,
  ) {}

  async searchText(text: string, roles: readonly SearchableRole[], limit: number, signal: AbortSignal): Promise<TextSearchResult> {
    const typed = text.trim();
    if (typed.length > MAX_TEXT) throw new CrmError('search text too long', 400, { text: `at most ${MAX_TEXT} characters` });
    const types = [...new Set(roles.map((r) => TYPE_OF_ROLE[r]).filter((t): t is ZendeskType => t !== undefined))];
    const records: CrmRecord[] = [];
    const refused: TextSearchResult['refused'] = [];
    if (!typed) return { records, refused };
    const answers = await Promise.allSettled(types.map((type) => this.searchType(type, typed, limit, signal)));
    answers.forEach((answer, i) => {
      const type = types[i]!;
      if (answer.status === 'fulfilled') records.push(...answer.value);
      else if (answer.reason instanceof CrmError && answer.reason.status === 403) refused.push({ type, reason: refusalReason(type, answer.reason) });
      else throw answer.reason;
    });
    return { records, refused };
  }

  private async searchType(type: ZendeskType, text: string, limit: number, signal: AbortSignal): Promise<CrmRecord[]> {
    const number = /^#?\s*(\d{1,19})$/.exec(text)?.[1];
    if (type === 'ticket' && number && isZendeskId(number)) return this.ticketByNumber(number, signal);
    const found = new Map<string, Json>();
    for (const query of queriesFor(type, text)) {
      await this.search.scan(query.text, type, signal, (record, json) => {
        if (query.check(record)) found.set(record.id, json);
        return found.size >= limit;
      });
      if (found.size >= limit) break;
    }
    return this.reader.records(type, [...found.values()].slice(0, limit), signal);
  }

  private async ticketByNumber(id: string, signal: AbortSignal): Promise<CrmRecord[]> {
    try {
      return [await this.reader.record('ticket', await this.api.getTicket(id, signal), signal)];
    } catch (error) {
      if (error instanceof CrmError && error.status === 404) return [];
      throw error;
    }
  }
}

interface PlannedQuery {
  text: string;
  check(record: CrmRecord): boolean;
}

/** The Search API queries for a text (as typed, and accent-folded when that differs) and the check of their answers. */
export function queriesFor(type: ZendeskType, text: string): PlannedQuery[] {
  if (type === 'user' && /^[^\s@]+@[^\s@]+$/.test(text)) {
    const address = text.toLowerCase();
    const query = emailQuery('email', address);
    return query ? [{ text: query, check: (r) => String(r.fields.email ?? '').toLowerCase() === address }] : [];
  }
  const typed = words(text.normalize('NFC').toLowerCase());
  if (typed.length === 0) return [];
  const folded = typed.map(foldText);
  const check = (record: CrmRecord) => {
    const have = CHECKED[type].flatMap((f) => words(foldText(fieldText(record.fields[f]))));
    return folded.every((w) => have.some((h) => h.startsWith(w)));
  };
  const variants = [typed, folded].filter((v, i, all) => all.findIndex((o) => o.join(' ') === v.join(' ')) === i);
  return variants.map((variant) => ({ text: [`type:${type}`, ...variant.map((w) => clause(KEYWORD[type], w))].join(' '), check }));
}

/** `name:garc*`: a word and the words it starts. A one-letter word is sent whole (a one-letter prefix matches too much). */
function clause(keyword: string | null, word: string): string {
  const value = word.length > 1 ? `${word}*` : word;
  return keyword ? `${keyword}:${value}` : value;
}

/** Words of letters and digits only: nothing else of what was typed reaches the query. */
function words(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[^\p{L}\p{M}\p{N}]+/u)
        .filter(Boolean)
        .map((w) => w.slice(0, MAX_WORD)),
    ),
  ].slice(0, MAX_WORDS);
}

function fieldText(value: FieldValue | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

function refusalReason(type: ZendeskType, error: CrmError): string {
  return `Zendesk refused to search ${TYPE_LABELS[type]!.toLowerCase()}s (HTTP 403): the Zendesk role of the configured agent has no access to them; an admin must grant it in Zendesk (Admin Center > People > Team > Roles). ${error.message}`.slice(
    0,
    400,
  );
}
