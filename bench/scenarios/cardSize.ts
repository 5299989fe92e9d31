import { join } from 'node:path';
import { CardFactory } from 'botbuilder';
import type { AgentStatusRow } from '../../src/domain/agentState.js';
import { cardBytes, MESSAGE_BUDGET_BYTES } from '../../src/cards/budget.js';
import { customerCard } from '../../src/cards/customerCard.js';
import { recordDetailsCard } from '../../src/cards/recordDetailsCard.js';
import { searchResultsCard } from '../../src/cards/searchResultsCard.js';
import { statusCard } from '../../src/cards/statusCard.js';
import { buildCustomerCardView, displayFields, type CrmWriteView, type Notice } from '../../src/domain/customerCard.js';
import type { Interaction, InteractionRecordLink, InteractionState } from '../../src/domain/interaction.js';
import { loadCrmConfigurations } from '../../src/workflows/configuration.js';
import { REPO } from '../lib/child.js';
import { byHowMuch, fmt, verdict, type BenchContext, type ScenarioResult } from '../lib/scenario.js';

/** Text of `length` characters that Markdown escaping makes longer still (every * and _ gains a \). */
function long(length: number, seed: string): string {
  const words = `${seed} *urgent* replacement_cartons [damaged] #4471 café Zürich naïve – “quoted” `;
  return words.repeat(Math.ceil(length / words.length)).slice(0, length);
}

const DISPOSITIONS = ['Resolved', 'Follow-up needed', 'Escalated', 'Callback requested', 'Wrong number'];

/**
 * Worst-case data through the real card builders (src/cards): hundreds of records on a card, every field
 * long and full of characters that need escaping, long notes and notices, hundreds of ACW writes that
 * failed with long errors. The figure is the largest card's JSON in bytes (what Teams counts), and the
 * size of the whole message carrying it.
 */
export async function cardSize(context: BenchContext, wire?: { cardBytes: number; activityBytes: number }): Promise<ScenarioResult> {
  const configuration = loadCrmConfigurations(join(REPO, 'config', 'crm-configurations.json')).configurations[0]!;
  const mappings = configuration.dynamicDataMappings;
  const now = new Date('2026-01-15T12:00:00Z');
  const interactionId = '6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f';
  const links: InteractionRecordLink[] = [];
  for (let i = 0; i < 600; i++) {
    const type = ['contact', 'account', 'case', 'lead'][i % 4]!;
    const fields: Record<string, string> = {};
    for (const mapping of mappings[type] ?? []) fields[mapping.field] = long(400, `${type} ${i} ${mapping.field}`);
    links.push({
      interactionId,
      recordType: type,
      recordId: `${type.slice(0, 3)}-${String(i).padStart(12, '0')}-${'x'.repeat(40)}`,
      linked: i < 300,
      origin: (['ani', 'search', 'history', 'created'] as const)[i % 4]!,
      label: long(300, `Record ${i}`),
      fields,
      activities: Array.from({ length: 20 }, (_, a) => ({ subject: long(300, `Activity ${a}`), when: new Date(now.getTime() - a * 3_600_000).toISOString() })),
    });
  }
  const notice: Notice = { kind: 'error', text: long(2000, 'The CRM refused the write') };
  const crmWrites: CrmWriteView[] = Array.from({ length: 600 }, (_, i) => ({
    what: i % 2 ? 'memorialization' : 'timeline',
    record: long(200, `Record ${i}`),
    status: 'dead',
    error: long(1000, 'InternalError: The CRM failed (HTTP 503)'),
  }));
  const interaction = (state: InteractionState): Interaction => ({
    id: interactionId,
    agentId: 'aad-agent',
    channel: 'voice',
    ani: '+12065550142',
    state,
    configurationId: configuration.id,
    matchState: 'multiple',
    startedAt: '2026-01-15T11:40:00.000Z',
    endedAt: state === 'active' ? null : '2026-01-15T11:52:13.000Z',
    completedAt: state === 'completed' ? '2026-01-15T11:55:00.000Z' : null,
    disposition: state === 'completed' ? long(200, 'Resolved') : null,
    notes: state === 'completed' ? long(4000, 'Notes') : null,
    customerId: null,
  });
  const view = (state: InteractionState) =>
    buildCustomerCardView({
      interaction: interaction(state),
      owner: { name: long(200, 'Agent'), teamsUserId: `29:${'u'.repeat(120)}` },
      links,
      mappings,
      dispositions: DISPOSITIONS,
      can: { createContact: true, createCase: true, createCustom: true, update: true, search: true },
      now,
      notice,
      crmWrites: state === 'completed' ? crmWrites : [],
    });

  const cards: Record<string, unknown> = {};
  for (const state of ['active', 'acw', 'completed'] as const) {
    cards[`Customer Card, ${state}, owner`] = customerCard(view(state), 'owner');
    cards[`Customer Card, ${state}, observer`] = customerCard(view(state), 'observer');
  }
  cards['Record details'] = recordDetailsCard({
    interactionId,
    readOnly: false,
    record: { ref: { type: 'contact', id: 'con-1' }, typeLabel: 'Contact', name: long(300, 'Contact'), linked: true },
    fields: Array.from({ length: 400 }, (_, i) => ({ label: long(80, `field${i}`), value: long(1000, `value ${i}`) })),
    editable: Array.from({ length: 100 }, (_, i) => ({ field: `field${i}`, label: long(80, `Field ${i}`), value: long(i % 2 ? 900 : 40, `value ${i}`) })),
    activities: Array.from({ length: 300 }, (_, i) => ({ subject: long(300, `Activity ${i}`), when: now.toISOString(), description: long(4000, `Description ${i}`) })),
    canUpdate: true,
  });
  cards['Search results'] = searchResultsCard({
    query: long(100, 'query'),
    records: links
      .slice(0, 200)
      .map((l) => ({ ref: { type: l.recordType, id: l.recordId }, typeLabel: l.recordType, name: l.label, fields: displayFields({ type: l.recordType, fields: l.fields }, mappings) })),
  });
  const rows: AgentStatusRow[] = Array.from({ length: 5000 }, (_, i) => ({
    agent: { id: `aad-${i}`, name: long(200, `Agent ${i}`), state: 'Working', reasonCode: null, stateSince: now.toISOString(), currentInteractionId: interactionId, teamsUserId: null },
    stateLabel: 'Working',
    secondsInState: 4000,
    interaction: { id: interactionId, channel: 'voice', ani: '+12065550142', state: 'acw' },
  }));
  cards['Agent status (5,000 agents)'] = statusCard(rows, now);

  const sizes = Object.entries(cards)
    .map(([name, card]) => {
      // The message as the bot sends it: the card as an attachment of an activity addressed to a chat.
      const activity = {
        type: 'message',
        serviceUrl: 'https://smba.trafficmanager.net/amer/',
        channelId: 'msteams',
        from: { id: `28:${'b'.repeat(36)}`, name: 'Customer Card' },
        conversation: { id: `a:${'c'.repeat(120)}`, conversationType: 'personal', tenantId: 'd'.repeat(36) },
        recipient: { id: `29:${'u'.repeat(120)}`, name: 'Agent', aadObjectId: 'e'.repeat(36) },
        replyToId: 'f'.repeat(60),
        attachments: [CardFactory.adaptiveCard(card)],
      };
      return { name, cardBytes: cardBytes(card), messageBytes: Buffer.byteLength(JSON.stringify(activity)) };
    })
    .sort((a, b) => b.cardBytes - a.cardBytes);
  const largest = sizes[0]!;
  const v = verdict(largest.cardBytes, MESSAGE_BUDGET_BYTES);
  const scenario = 'card size, worst-case data';
  const result: ScenarioResult = {
    slug: 'card-size',
    title: 'Card size: the largest card on worst-case data',
    rows: [
      {
        scenario,
        figure: `largest card (${largest.name})`,
        value: `${fmt(largest.cardBytes)} bytes (message ${fmt(largest.messageBytes)})`,
        goal: `≤ ${fmt(MESSAGE_BUDGET_BYTES)} bytes (28 KB)`,
        verdict: v,
      },
    ],
    misses: [],
    figures: { budgetBytes: MESSAGE_BUDGET_BYTES, cards: sizes, largestOnTheWire: wire },
  };
  if (wire) {
    result.rows.push({
      scenario: 'card size, on the wire in this run',
      figure: 'largest card the bot sent',
      value: `${fmt(wire.cardBytes)} bytes (activity ${fmt(wire.activityBytes)})`,
      goal: `≤ ${fmt(MESSAGE_BUDGET_BYTES)} bytes`,
      verdict: verdict(wire.cardBytes, MESSAGE_BUDGET_BYTES),
    });
  }
  if (v === 'missed') {
    result.misses.push({
      scenario,
      figure: largest.name,
      by: byHowMuch(largest.cardBytes, MESSAGE_BUDGET_BYTES, 'max', 'bytes'),
      dominates: 'card JSON: ' + topLevelShares(cards[largest.name]),
    });
  }
  void context;
  return result;
}

/** Which parts of a card take its bytes: each body element's share. */
function topLevelShares(card: unknown): string {
  const body = ((card as { body?: unknown[] }).body ?? []).map((element, i) => ({ i, bytes: Buffer.byteLength(JSON.stringify(element)) }));
  const total = Buffer.byteLength(JSON.stringify(card));
  return body
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 4)
    .map((e) => `body[${e.i}] ${Math.round((e.bytes / total) * 100)}%`)
    .join(', ');
}
