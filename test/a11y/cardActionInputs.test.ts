import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { customerCard } from '../../src/cards/customerCard.js';
import { recordActionTitle } from '../../src/cards/elements.js';
import { recordDetailsCard } from '../../src/cards/recordDetailsCard.js';
import { buildCustomerCardView } from '../../src/domain/customerCard.js';
import type { Interaction, InteractionRecordLink } from '../../src/domain/interaction.js';

/**
 * Nothing on a card blocks another action (issue 11): every Action.Execute says which inputs it takes, and
 * with every input left empty, the renderer refuses an action only for the inputs of its own form (the
 * ShowCard it sits in). Checked with the Adaptive Cards renderer's own object model, on each card state.
 */
const require = createRequire(import.meta.url);
interface ModelAction {
  title?: string;
  card?: ModelCard;
  parent?: unknown;
  getJsonTypeName(): string;
  getReferencedInputs(): Record<string, unknown> | undefined;
  validateInputs(): Array<{ id?: string }>;
}
interface ModelCard {
  getAllActions(): ModelAction[];
  getAllInputs(): Array<{ id?: string }>;
}
const AC = require('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => ModelCard & { parse(json: unknown, context: unknown): void };
  SerializationContext: new () => unknown;
};

/** Every Action.Execute of a card (body, action sets, ShowCards), with the ids of the inputs of the form it sits in. */
function executesOf(json: unknown): Array<{ title: string; json: Record<string, unknown>; model: ModelAction; ownForm: string[] }> {
  // The JSON side: each Execute with its own form's inputs (its ShowCard's card, not the cards nested in it).
  const fromJson: Array<{ json: Record<string, unknown>; ownForm: string[] }> = [];
  const inputsOf = (node: unknown, ids: string[]): string[] => {
    if (Array.isArray(node)) node.forEach((n) => inputsOf(n, ids));
    else if (node && typeof node === 'object') {
      const element = node as Record<string, unknown>;
      if (typeof element.type === 'string' && element.type.startsWith('Input.')) ids.push(String(element.id));
      for (const [key, value] of Object.entries(element)) if (!(element.type === 'Action.ShowCard' && key === 'card')) inputsOf(value, ids);
    }
    return ids;
  };
  const walk = (node: unknown, ownForm: string[]): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, ownForm));
    if (!node || typeof node !== 'object') return;
    const element = node as Record<string, unknown>;
    if (element.type === 'Action.Execute') fromJson.push({ json: element, ownForm });
    for (const [key, value] of Object.entries(element)) {
      if (key === 'refresh') continue; // not a button: Teams invokes it by itself
      if (element.type === 'Action.ShowCard' && key === 'card') walk(value, inputsOf(value, []));
      else walk(value, ownForm);
    }
  };
  walk(json, inputsOf(json, []));

  const parsed = new AC.AdaptiveCard();
  parsed.parse(json, new AC.SerializationContext());
  const models = new Set<ModelAction>();
  const collect = (card: ModelCard): void => {
    for (const action of card.getAllActions()) {
      if (action.getJsonTypeName() === 'Action.Execute') models.add(action);
      if (action.card) collect(action.card);
    }
  };
  collect(parsed);
  const byTitle = [...models];
  return fromJson.map(({ json: action, ownForm }) => {
    const title = String(action.title);
    const model = byTitle.find((m) => m.title === title);
    if (!model) throw new Error(`the renderer has no action "${title}"`);
    byTitle.splice(byTitle.indexOf(model), 1);
    return { title, json: action, model, ownForm };
  });
}

const interaction = (overrides: Partial<Interaction> = {}): Interaction => ({
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
});
const person = (id: string, name: string, linked: boolean): InteractionRecordLink => ({
  interactionId: interaction().id,
  recordType: 'contact',
  recordId: id,
  linked,
  origin: 'search',
  label: name,
  fields: { email: `${id}@example.com` },
});
const can = { createContact: true, createCase: true, createCustom: true, update: true, search: true };
const view = (links: InteractionRecordLink[], overrides: Partial<Interaction> = {}) =>
  buildCustomerCardView({
    interaction: interaction(overrides),
    owner: { name: 'Ana Agent', teamsUserId: '29:ana' },
    links,
    mappings: { contact: [{ field: 'email', label: 'Email' }] },
    dispositions: ['Resolved'],
    can,
    now: new Date('2026-11-22T10:10:00.000Z'),
  });

const CARDS: Record<string, unknown> = {
  'no match, on the call (the Create contact form on the card)': customerCard(view([], { matchState: 'none' })),
  'no match, in After Call Work (Complete ACW beside the Create contact form)': customerCard(view([], { matchState: 'none', state: 'acw', endedAt: '2026-11-22T10:05:00.000Z' })),
  'several matches': customerCard(view([person('con-1', 'Chris Doe', false), person('con-2', 'Pat Doe', false)], { matchState: 'multiple' })),
  'one match linked, in After Call Work': customerCard(view([person('con-1', 'Maria Garcia', true)], { state: 'acw', endedAt: '2026-11-22T10:05:00.000Z' })),
  'record details with its edit form': recordDetailsCard({
    interactionId: interaction().id,
    record: { ref: { type: 'contact', id: 'con-1' }, typeLabel: 'Contact', name: 'Maria Garcia', linked: true },
    fields: [{ label: 'Email', value: 'maria@example.com' }],
    editable: [{ field: 'email', label: 'Email', value: 'maria@example.com' }],
    activities: [],
    canUpdate: true,
  } as unknown as Parameters<typeof recordDetailsCard>[0]),
};

describe('each action of a card validates only its own inputs', () => {
  for (const [name, card] of Object.entries(CARDS)) {
    it(name, () => {
      const actions = executesOf(card);
      expect(actions.length).toBeGreaterThan(1);
      for (const { title, json, model, ownForm } of actions) {
        expect(['auto', 'none'], `${title}: associatedInputs`).toContain(json.associatedInputs);
        const refused = model.validateInputs().map((i) => i.id ?? '');
        // Only its own form's required inputs stop it; an action outside any form is never stopped.
        expect(
          refused.filter((id) => !ownForm.includes(id)),
          `${title} is stopped by another form's inputs`,
        ).toEqual([]);
        if (json.associatedInputs === 'none') expect(Object.keys(model.getReferencedInputs() ?? {}), `${title} sends inputs`).toEqual([]);
      }
    });
  }

  it("Complete ACW is refused only for its disposition, never for the Create contact form's last name", () => {
    const acw = executesOf(CARDS['no match, in After Call Work (Complete ACW beside the Create contact form)']);
    const complete = acw.find((a) => a.title === 'Complete ACW')!;
    expect(complete.model.validateInputs().map((i) => i.id)).toEqual(['disposition']);
    expect(Object.keys(complete.model.getReferencedInputs() ?? {}).sort()).toEqual(['disposition', 'notes']);
  });
});

describe("a record's buttons are named with the record", () => {
  it('says "Details: Maria Garcia", "Link: Pat Doe", not "Details" three times', () => {
    const titles = executesOf(CARDS['several matches']).map((a) => a.title);
    expect(titles).toEqual(expect.arrayContaining(['Link: Chris Doe', 'Details: Chris Doe', 'Link: Pat Doe', 'Details: Pat Doe']));
    expect(titles.filter((t) => t === 'Details' || t === 'Link')).toEqual([]);
    expect(executesOf(CARDS['one match linked, in After Call Work']).map((a) => a.title)).toEqual(expect.arrayContaining(['Unlink: Maria Garcia', 'Details: Maria Garcia']));
  });

  it('keeps a long name short enough to wrap, and a blank one out', () => {
    expect(recordActionTitle('Details', `Ἀλέξανδρος ${'Ж'.repeat(200)}`).length).toBeLessThanOrEqual('Details: '.length + 40);
    expect(recordActionTitle('Details', '  ')).toBe('Details');
    expect(recordActionTitle('Link', 'Maria\n  Garcia')).toBe('Link: Maria Garcia');
  });
});
