import { describe, expect, it } from 'vitest';
import { MESSAGE_BUDGET_BYTES, cardBytes } from '../../src/cards/budget.js';
import { customerCard } from '../../src/cards/customerCard.js';
import { helpCard, welcomeCard } from '../../src/cards/helpCards.js';
import { helpContextFor } from '../../src/teams/chatCommands.js';
import { noticeCard } from '../../src/cards/noticeCard.js';
import { recordDetailsCard } from '../../src/cards/recordDetailsCard.js';
import { searchResultsCard } from '../../src/cards/searchResultsCard.js';
import { statusCard } from '../../src/cards/statusCard.js';
import { buildCustomerCardView, type CustomerCardView } from '../../src/domain/customerCard.js';
import type { Interaction, InteractionRecordLink } from '../../src/domain/interaction.js';
import { cardProblems, inputsOfAction } from '../support/adaptiveCards.js';
import { actionsOf, cardText } from '../support/botHarness.js';

const now = new Date('2026-11-22T10:10:00.000Z');
const mappings = {
  contact: [
    { field: 'email', label: 'Email' },
    { field: 'mobilePhone', label: 'Mobile' },
    { field: 'note', label: 'Note' },
  ],
};
const can = { createContact: true, createCase: true, createCustom: true, update: true, search: true };

function interaction(overrides: Partial<Interaction> = {}): Interaction {
  return {
    id: '5f0c8f5e-8a4e-4a8e-9d6a-2d4f1d7c9a10',
    agentId: 'a1',
    channel: 'voice',
    ani: '+12065550142',
    state: 'active',
    configurationId: 'demo',
    matchState: 'single',
    startedAt: '2026-11-22T10:00:00.000Z',
    endedAt: null,
    completedAt: null,
    disposition: null,
    notes: null,
    customerId: null,
    ...overrides,
  };
}

function contact(i: number, linked: boolean, long = false): InteractionRecordLink {
  const name = long ? `Ἀλέξανδρος 山田太郎 محمد ${'Ж'.repeat(200)} ${i}` : `Contact ${i}`;
  return {
    interactionId: interaction().id,
    recordType: 'contact',
    recordId: `con-${i}`,
    linked,
    origin: 'search',
    label: name,
    fields: { email: `c${i}@example.com`, mobilePhone: '+1 206 555 0142', note: long ? '長い備考 '.repeat(400) : 'short' },
  };
}

function view(links: InteractionRecordLink[], overrides: Partial<Interaction> = {}, notice?: CustomerCardView['notice']): CustomerCardView {
  return buildCustomerCardView({
    interaction: interaction(overrides),
    owner: { name: 'Ana Agent', teamsUserId: '29:ana' },
    links,
    mappings,
    dispositions: ['Resolved', 'Escalated'],
    can,
    now,
    notice,
  });
}

/** The bytes of the whole message Teams would receive, card and envelope. */
function messageBytes(card: unknown): number {
  return cardBytes({
    type: 'message',
    serviceUrl: 'https://smba.trafficmanager.net/amer/',
    channelId: 'msteams',
    from: { id: '28:00000000-0000-0000-0000-000000000002', name: 'Customer Card' },
    conversation: { id: 'a:1xQ8rWZ-very-long-personal-conversation-id-of-teams-'.repeat(3), conversationType: 'personal', tenantId: '00000000-0000-0000-0000-000000000000' },
    recipient: { id: '29:1abcdefghijklmnopqrstuvwxyz-user-id', name: 'Agent Name', aadObjectId: '00000000-0000-0000-0000-000000000001' },
    replyToId: '1700000000000',
    attachmentLayout: 'list',
    inputHint: 'acceptingInput',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
  });
}

describe('cards', () => {
  const cards: Record<string, unknown> = {
    'customer card, one match': customerCard(view([contact(1, true), contact(2, false)], {}, { kind: 'info', text: 'Contact 1 matches' })),
    'customer card, several matches': customerCard(view([contact(1, false), contact(2, false)], { matchState: 'multiple' })),
    'customer card, no match': customerCard(view([], { matchState: 'none' })),
    'customer card, ACW': customerCard(view([contact(1, true)], { state: 'acw', endedAt: '2026-11-22T10:04:00.000Z' })),
    'customer card, completed': customerCard(view([contact(1, true)], { state: 'completed', endedAt: '2026-11-22T10:04:00.000Z', disposition: 'Resolved', notes: 'ok' })),
    'record details': recordDetailsCard({
      interactionId: interaction().id,
      readOnly: false,
      record: { ref: { type: 'contact', id: 'con-1' }, typeLabel: 'Contact', name: 'Maria Garcia', linked: true },
      fields: [{ label: 'Email', value: 'maria@example.com' }],
      editable: [{ field: 'email', label: 'Email', value: 'maria@example.com' }],
      activities: [{ subject: 'Inbound call', when: '2026-11-20T09:00:00.000Z', description: 'Called about an order' }],
      canUpdate: true,
    }),
    'search results': searchResultsCard({
      query: 'garcia',
      records: [{ ref: { type: 'contact', id: 'c' }, typeLabel: 'Contact', name: 'Maria Garcia', fields: [{ label: 'Email', value: 'm@e.com' }] }],
    }),
    'search results, empty': searchResultsCard({ query: 'nobody', records: [] }),
    'agent status': statusCard(
      [
        {
          agent: { id: 'a', name: 'Ana', state: 'Unavailable', reasonCode: 'Lunch', stateSince: now.toISOString(), currentInteractionId: null, teamsUserId: null },
          stateLabel: 'Unavailable: Lunch',
          secondsInState: 754,
          interaction: null,
        },
      ],
      now,
    ),
    'agent status, empty': statusCard([], now),
    welcome: welcomeCard('Ana', helpContextFor({ acd: { enabled: true }, agents: { isSupervisor: () => false, reasonCodes: ['Lunch'] } }, 'ana')),
    help: helpCard(helpContextFor({ acd: { enabled: false }, agents: { isSupervisor: () => true, reasonCodes: ['Lunch'] } }, 'sue')),
    notice: noticeCard('Refused for a reason'),
  };

  it.each(Object.entries(cards))('%s is Adaptive Card 1.5 and parses without a warning', (_name, card) => {
    expect((card as { version: string }).version).toBe('1.5');
    expect(cardProblems(card)).toEqual([]);
  });

  it('says what to do next in empty states', () => {
    expect(cardText(cards['customer card, no match'])).toMatch(/Create a contact, or search/);
    expect(cardText(cards['search results, empty'])).toMatch(/No record matches\. Try/);
    expect(cardText(cards['agent status, empty'])).toMatch(/No agents have talked to the bot yet/);
  });

  it('keeps the Customer Card under 28 KB with hundreds of long, non-Latin records and long notes', () => {
    const links = Array.from({ length: 400 }, (_, i) => contact(i, i < 40, true));
    const card = customerCard(view(links, { state: 'completed', endedAt: '2026-11-22T10:04:00.000Z', disposition: 'Resolved', notes: 'Ω'.repeat(4000) }));
    expect(messageBytes(card)).toBeLessThanOrEqual(MESSAGE_BUDGET_BYTES);
    expect(cardProblems(card)).toEqual([]);
    expect(cardText(card)).toMatch(/Current Interaction \(40\)/);
    expect(cardText(card)).toMatch(/Showing \d+ of 360\. Search to narrow the list\./);
  });

  it('keeps details, results and status under 28 KB whatever the data', () => {
    const long = '詳細'.repeat(3000);
    const details = recordDetailsCard({
      interactionId: interaction().id,
      readOnly: false,
      record: { ref: { type: 'contact', id: 'con-1' }, typeLabel: 'Contact', name: long, linked: true },
      fields: Array.from({ length: 200 }, (_, i) => ({ label: `field${i}`, value: long })),
      editable: Array.from({ length: 30 }, (_, i) => ({ field: `field${i}`, label: `Field ${i}`, value: long.slice(0, 1000) })),
      activities: Array.from({ length: 300 }, (_, i) => ({ subject: long, when: `2026-11-${String((i % 28) + 1).padStart(2, '0')}T09:00:00.000Z`, description: long })),
      canUpdate: true,
    });
    const results = searchResultsCard({
      query: long,
      records: Array.from({ length: 300 }, (_, i) => ({ ref: { type: 'contact', id: `c${i}` }, typeLabel: 'Contact', name: long, fields: [{ label: 'Note', value: long }] })),
    });
    const status = statusCard(
      Array.from({ length: 2000 }, (_, i) => ({
        agent: { id: `a${i}`, name: long.slice(0, 200), state: 'Working' as const, reasonCode: null, stateSince: now.toISOString(), currentInteractionId: 'x', teamsUserId: null },
        stateLabel: 'Working',
        secondsInState: 60,
        interaction: { id: 'x', channel: 'voice' as const, ani: '+12065550142', state: 'active' as const },
      })),
      now,
    );
    for (const card of [details, results, status]) {
      expect(messageBytes(card)).toBeLessThanOrEqual(MESSAGE_BUDGET_BYTES);
      expect(cardProblems(card)).toEqual([]);
    }
    expect(cardText(status)).toMatch(/Showing \d+ of 2000 agents/);
  });

  it('shows one section at a time, with buttons that show one and hide the others', () => {
    const sectionsOf = (card: any) => card.body.filter((e: any) => typeof e.id === 'string' && e.id.startsWith('section-'));
    const single = cards['customer card, one match'] as any;
    expect(sectionsOf(single).map((e: any) => [e.id.split('-')[1], e.isVisible])).toEqual([
      ['current', true],
      ['related', false],
      ['activities', false],
    ]);
    const toggles = single.body.find((e: any) => e.type === 'ActionSet' && e.actions[0].type === 'Action.ToggleVisibility').actions;
    expect(toggles.map((a: any) => a.title)).toEqual(['Current (1)', 'Related (1)', 'Activities (0)']);
    for (const [i, toggle] of toggles.entries()) {
      expect(toggle.targetElements.map((t: any) => t.isVisible)).toEqual([0, 1, 2].map((j) => j === i));
    }
    // Several matches: the candidates are what to look at first.
    const several = cards['customer card, several matches'] as any;
    expect(sectionsOf(several).map((e: any) => e.isVisible)).toEqual([false, true, false]);
  });

  it('gives a supervisor the data without any action, with a word saying why', () => {
    const v = view([contact(1, true), contact(2, false)]);
    const supervisor = customerCard(v, 'supervisor');
    expect(actionsOf(supervisor).map((a) => a.title)).toEqual([]);
    expect(cardText(supervisor)).toMatch(/Read-only: only Ana Agent, who handles this interaction, can act on this card\./);
    expect(cardText(supervisor)).toMatch(/Contact 1/);
    expect(cardProblems(supervisor)).toEqual([]);
  });

  it('shows anyone else whose card it is and where it stands, and not one piece of customer data', () => {
    const customer = {
      id: 'c-1',
      name: 'Maria Garcia',
      identifiers: ['+1 206 555 0142', 'maria@example.com'],
      interactions: 3,
      duplicates: [{ id: 'c-2', name: 'M. Garcia', identifiers: ['+1 425 555 0100'] }],
    };
    const completed = buildCustomerCardView({
      interaction: interaction({ state: 'completed', endedAt: '2026-11-22T10:04:00.000Z', completedAt: '2026-11-22T10:05:00.000Z', disposition: 'Escalated', notes: 'Secret notes' }),
      customer,
      owner: { name: 'Ana Agent', teamsUserId: '29:ana' },
      links: [{ ...contact(1, true), activities: [{ subject: 'Inbound call', when: '2026-11-22T10:00:00.000Z' }] }, contact(2, false)],
      mappings,
      dispositions: ['Resolved', 'Escalated'],
      can,
      now,
      notice: { kind: 'info', text: 'Merged Maria Garcia' },
      crmWrites: [
        { what: 'timeline', record: 'Contact 1', status: 'done', error: null },
        { what: 'memorialization', record: 'Contact 1', status: 'dead', error: 'Contact 1 is locked' },
      ],
    });
    for (const [name, v] of [
      ['on call', { ...view([contact(1, true), contact(2, false)]), customer }],
      ['in ACW', { ...view([contact(1, true)], { state: 'acw', endedAt: '2026-11-22T10:04:00.000Z' }), customer }],
      ['completed', completed],
    ] as const) {
      const observer = customerCard(v, 'observer');
      const json = JSON.stringify(observer);
      for (const secret of ['Maria', 'Garcia', '206', '0142', '425', 'example.com', 'Contact 1', 'Contact 2', 'con-1', 'Escalated', 'Secret notes', 'Inbound call', 'locked', 'c-1', 'c-2']) {
        expect(json, `${name}: ${secret}`).not.toContain(secret);
      }
      expect(actionsOf(observer), name).toEqual([]);
      expect(cardText(observer), name).toMatch(/^Customer Card\nAna Agent's Customer Card of one interaction\.\nHandled by: Ana Agent\nState: /);
      expect(cardText(observer), name).toMatch(/Read-only: only Ana Agent sees this card's customer, records and notes, and only they can act on it\./);
      expect((observer as any).refresh).toMatchObject({ action: { verb: 'customerCard.refresh', data: { interactionId: v.interaction.id } }, userIds: ['29:ana'] });
      expect(cardProblems(observer), name).toEqual([]);
    }
    expect(cardText(customerCard(completed, 'observer'))).toMatch(/State: Completed[\s\S]*Saved to the CRM \(1 of 2\)\n1 failed: Ana Agent's card says which\./);
  });

  it('decides by role, not by type name: New case on a linked person of any CRM, its organization kept by name, matches show their number', () => {
    const sfContact: InteractionRecordLink = {
      ...contact(1, true),
      recordType: 'Contact',
      role: 'person',
      typeLabel: 'Contact',
      canonical: { organization: { ref: { type: 'Account', id: '001A' }, name: 'Contoso Pharmaceuticals' } },
    };
    const notAPerson: InteractionRecordLink = { ...contact(2, true), role: 'other' };
    const card = customerCard(view([sfContact, notAPerson]));
    expect(
      actionsOf(card)
        .filter((a) => a.title === 'Create case')
        .map((a) => a.data),
    ).toHaveLength(1);
    expect(cardText(card)).toMatch(/Organization: Contoso Pharmaceuticals/);
    const several = buildCustomerCardView({
      interaction: interaction({ matchState: 'multiple' }),
      owner: { name: 'Ana Agent', teamsUserId: null },
      links: [{ ...contact(3, false), origin: 'ani', role: 'person' }],
      mappings,
      dispositions: ['Resolved'],
      can,
      now,
      matchedNumber: '+1 206 555 0142',
    });
    expect(cardText(customerCard(several))).toMatch(/Matched on: \+1 206 555 0142/);
  });

  it("offers the CRM's own case priorities and its default on New case", () => {
    const withPriorities = {
      ...view([{ ...contact(1, true), role: 'person' as const }]),
      casePriority: {
        choices: [
          { value: '1', label: 'High' },
          { value: '2', label: 'Normal' },
          { value: '3', label: 'Low' },
        ],
        defaultValue: '2',
      },
    };
    const form = JSON.stringify(customerCard(withPriorities));
    expect(form).toContain('"choices":[{"title":"High","value":"1"},{"title":"Normal","value":"2"},{"title":"Low","value":"3"}],"value":"2"');
    expect(form).not.toContain('"value":"Medium"');
    expect(cardProblems(customerCard(withPriorities))).toEqual([]);
  });

  it('does not let CRM data act as Markdown', () => {
    const card = customerCard(view([{ ...contact(1, true), label: '**Boss** [click](http://evil.example)' }]));
    expect(cardText(card)).toContain('\\*\\*Boss\\*\\* \\[click\\](http://evil.example)');
  });

  it('lets each action check and send only its own inputs, as the renderer gathers them', () => {
    // A call nobody matches, in After Call Work: the Create contact form and the ACW form are both on the card.
    const acw = customerCard(view([], { state: 'acw', matchState: 'none', endedAt: '2026-11-22T10:05:00.000Z' }));
    expect(cardProblems(acw)).toEqual([]);
    expect(inputsOfAction(acw, 'Complete ACW')).toEqual({ sent: ['disposition', 'notes'], refused: ['disposition'] });
    expect(inputsOfAction(acw, 'Create contact')).toEqual({ sent: ['email', 'firstName', 'lastName', 'phone'], refused: ['lastName'] });
    expect(inputsOfAction(acw, 'Search')).toEqual({ sent: ['query'], refused: ['query'] });
    expect(inputsOfAction(acw, 'Create record')).toEqual({ sent: ['entity', 'fields'], refused: ['entity', 'fields'] });
    // During the call, likewise: searching does not ask for the new contact's last name.
    const live = customerCard(view([], { matchState: 'none' }));
    expect(inputsOfAction(live, 'Search')).toEqual({ sent: ['query'], refused: ['query'] });
    expect(inputsOfAction(live, 'Create contact').refused).toEqual(['lastName']);
  });

  it('offers Merge with a count only when there are cards to merge', () => {
    const customer = { id: 'cu-1', name: 'Maria Garcia', identifiers: ['+12065550142'], interactions: 2, duplicates: [] };
    const titles = (c: unknown) => ((c as { actions?: Array<{ title: string }> }).actions ?? []).map((a) => a.title);
    const alone = customerCard({ ...view([contact(1, true)]), customer });
    expect(titles(alone)).toContain('Find a card to merge');
    expect(titles(alone).filter((t) => t.startsWith('Merge'))).toEqual([]);
    const twin = customerCard({ ...view([contact(1, true)]), customer: { ...customer, duplicates: [{ id: 'cu-2', name: 'María García', identifiers: ['maria@example.com'] }] } });
    expect(titles(twin)).toContain('Merge (1)');
  });
});
