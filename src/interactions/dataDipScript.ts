import type { CrmRecord, RecordRole } from '../domain/crmRecord.js';
import type { Notice } from '../domain/customerCard.js';
import { linkOf, type Interaction, type InteractionRecordLink, type MatchState } from '../domain/interaction.js';
import { displayPhone } from '../domain/phone.js';
import type { WorkflowEngine } from '../workflows/engine.js';
import { runWorkflow, WorkflowFailedError } from '../workflows/invoke.js';
import type { SearchResult } from '../workflows/search.js';

export interface DataDipOutcome {
  matchState: MatchState;
  links: InteractionRecordLink[];
  notice: Notice;
}

/** Who the caller most likely is comes first: a person, then an organization, a lead, a case; anything else last. */
const ROLE_ORDER: readonly RecordRole[] = ['person', 'organization', 'lead', 'case'];
const rank = (record: CrmRecord) => (ROLE_ORDER.includes(record.role) ? ROLE_ORDER.indexOf(record.role) : ROLE_ORDER.length);
const byRole = (a: CrmRecord, b: CrmRecord) => rank(a) - rank(b);

/** Who the data dip looks for: the caller's number, or a digital end user's email or phone number. */
export type DipIdentity = { phoneNumber: string } | { email: string };

/**
 * The default interaction script (SPEC, seed 001): with the ANI already normalized, Search for ANI finds
 * accounts and contacts, then the open cases of those contacts. One match is linked at once; several are
 * offered for the agent to choose, with nothing linked (never guess); none offers a create form. A call's
 * dip is read ahead of its interaction (callDip.ts); a digital conversation's runs whole (runIdentityDip).
 */

/**
 * The same script for whoever `identity` names (Search for ANI takes a phone number or an email, on every
 * connector): `what` names the interaction in the card's notice ("linked to this call").
 */
export async function runIdentityDip(engine: WorkflowEngine, interaction: Interaction, identity: DipIdentity, what: 'call' | 'conversation'): Promise<DataDipOutcome> {
  return dipOutcome(await searchIdentity(engine, interaction.configurationId, identity), interaction, identity, what);
}

/** What Search for ANI found for `identity`, or how it failed: the CRM's part of the script, before any interaction holds it. */
export async function searchIdentity(engine: WorkflowEngine, configurationId: string, identity: DipIdentity): Promise<SearchResult | WorkflowFailedError> {
  try {
    return await runWorkflow(engine, configurationId, { kind: 'search', variant: 'ani' }, identity);
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    return error;
  }
}

/** The script's outcome for the interaction from what the search found: what is linked, what is offered, what the card says. */
export function dipOutcome(found: SearchResult | WorkflowFailedError, interaction: Pick<Interaction, 'id'>, identity: DipIdentity, what: 'call' | 'conversation'): DataDipOutcome {
  if (found instanceof WorkflowFailedError) {
    return { matchState: 'none', links: [], notice: { kind: 'error', text: `${found.message} You can still search by hand.` } };
  }
  const result = found;
  const matches = [...result.records].sort(byRole);
  const matchState: MatchState = matches.length === 0 ? 'none' : matches.length === 1 ? 'single' : 'multiple';
  const toLink = (record: CrmRecord, linked: boolean): InteractionRecordLink => linkOf(record, { interactionId: interaction.id, linked, origin: 'ani' });
  const links = [...matches.map((r) => toLink(r, matchState === 'single')), ...result.related.map((r) => toLink(r, false))];
  const shown = 'email' in identity ? identity.email : displayPhone(identity.phoneNumber);
  const notice: Notice =
    matchState === 'single'
      ? { kind: 'info', text: `${matches[0]!.name} matches ${shown} and is linked to this ${what}.` }
      : matchState === 'multiple'
        ? { kind: 'warning', text: `Several matches: choose. ${matches.length} records share ${shown}; link the ${what === 'call' ? 'caller' : 'customer'}'s, nothing is linked yet.` }
        : { kind: 'info', text: `No record matches ${shown}. Create a contact, or search by name.` };
  // What the CRM would not let us read (a missing permission) is said, not silently left out.
  const refused = (result.refused ?? []).map((r) => `${r.type} (${r.reason})`).join('; ');
  if (refused) return { matchState, links, notice: { kind: 'warning', text: `${notice.text} The CRM did not let this app read ${refused}: ask your admin for that permission.` } };
  return { matchState, links, notice };
}
