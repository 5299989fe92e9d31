import { describe, expect, it } from 'vitest';
import { STATUS_FILTER_HELP } from '../../src/agents/statusFilter.js';
import { CARD_BUDGET_BYTES, cardBytes } from '../../src/cards/budget.js';
import { statusCard, statusHelpCard, type StatusCardRow } from '../../src/cards/statusCard.js';
import { cardProblems } from '../support/adaptiveCards.js';
import { cardText } from '../support/botHarness.js';

const now = new Date('2026-12-06T10:00:00.000Z');
const row = (name: string, customer: string | null): StatusCardRow => ({
  agent: { id: name, name, state: 'Working', reasonCode: null, stateSince: now.toISOString(), currentInteractionId: 'i', teamsUserId: null },
  stateLabel: 'Working',
  secondsInState: 420,
  interaction: { id: 'i', channel: 'voice', ani: '+12065550142', state: 'active' },
  customer,
});

describe("the supervisors' status card with filters", () => {
  it('says which filter was applied, and with whom each agent is', () => {
    const card = statusCard([row('Ana', 'Maria Garcia (Contoso Pharmaceuticals)')], now, undefined, { filter: 'Working, with "contoso"' });
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toMatch(/Agent status \(1\)/);
    expect(cardText(card)).toMatch(/Filter: Working, with "contoso"/);
    expect(cardText(card)).toMatch(/With\W+Maria Garcia \(Contoso Pharmaceuticals\)/);
  });

  it('says plainly when nobody matches a filter, and differently when there are no agents at all', () => {
    const none = cardText(statusCard([], now, undefined, { filter: 'After Call Work, in state over 5 min' }));
    expect(none).toMatch(/Filter: After Call Work, in state over 5 min/);
    expect(none).toMatch(/No agent matches this filter right now/);
    expect(none).not.toMatch(/No agents have talked to the bot/);
    const unfiltered = cardText(statusCard([], now));
    expect(unfiltered).toMatch(/Filter: none, every agent/);
    expect(unfiltered).toMatch(/No agents have talked to the bot yet/);
  });

  it('shows CRM names as written, never as Markdown, and stays under the budget with long ones', () => {
    const card = statusCard(
      Array.from({ length: 500 }, (_, i) => row(`Agent ${i}`, `**Acme** _${'名'.repeat(400)}_`)),
      now,
      undefined,
      { filter: 'with "**acme**"' },
    );
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('\\\\*\\\\*Acme\\\\*\\\\*');
    expect(cardText(card)).toMatch(/Showing \d+ of 500 agents/);
  });

  it('lists every filter when a word is not one', () => {
    const card = statusHelpCard('"sleeping" is not a status filter.', STATUS_FILTER_HELP);
    expect(cardProblems(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toMatch(/"sleeping" is not a status filter\./);
    for (const example of ['status acw', 'status lunch', 'status skill Billing', 'status over 5m', 'who is on a call with', 'status acw over 5m']) expect(text).toContain(example);
  });
});
