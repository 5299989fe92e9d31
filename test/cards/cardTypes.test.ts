import { createRequire } from 'node:module';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { customerCard } from '../../src/cards/customerCard.js';
import { card, container, execute, input, showCard, text } from '../../src/cards/elements.js';
import type { AdaptiveCard, CardElement, ExecuteAction, TextBlock } from '../../src/cards/schema/adaptiveCard.js';
import { cardProblems } from '../support/adaptiveCards.js';

/*
 * The card types (src/cards/schema/) are checked twice: by tsc, which must reject the misspelt cards below
 * (each `@ts-expect-error` fails the typecheck if the line compiles), and by the Adaptive Cards renderer,
 * which must read back every property a fully dressed card sets, so the names are the schema's own.
 */

const require = createRequire(import.meta.url);
const AC = require('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void; toJSON(): unknown };
  SerializationContext: new () => object;
};

/** The card as the renderer keeps it: what it does not know, it drops without a word. */
function roundTrip(json: unknown): unknown {
  const parsed = new AC.AdaptiveCard();
  parsed.parse(json, new AC.SerializationContext());
  return parsed.toJSON();
}

/** Every `Type.property` set anywhere in a card (`AdaptiveCard.version`, `TextBlock.wrap`...). */
function propertiesOf(json: unknown): Set<string> {
  const found = new Set<string>();
  const walk = (node: unknown, owner: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, owner));
    if (!node || typeof node !== 'object') return;
    const type = typeof (node as { type?: unknown }).type === 'string' ? (node as { type: string }).type : owner;
    for (const [key, value] of Object.entries(node)) {
      if (key !== 'type') found.add(`${type}.${key}`);
      walk(value, `${type}.${key}`);
    }
  };
  walk(json, 'root');
  return found;
}

describe('Adaptive Card types', () => {
  it("do not compile a misspelt property, an unknown value or another element's property, which the renderer would drop", () => {
    // @ts-expect-error `txt` is not a TextBlock property (text is).
    const misspelt: CardElement = { type: 'TextBlock', txt: 'x' };
    // @ts-expect-error `wrp` is not a TextBlock property.
    const extra: TextBlock = { type: 'TextBlock', text: 'x', wrp: true };
    // @ts-expect-error `isSubtel` is no option of text().
    text('x', { isSubtel: true });
    // @ts-expect-error 'Huge' is no FontSize.
    text('x', { size: 'Huge' });
    // @ts-expect-error 'danger' is no container style.
    container([], { style: 'danger' });
    // @ts-expect-error `items` belongs to a Container, not to a TextBlock.
    const foreign: CardElement = { type: 'TextBlock', text: 'x', items: [] };
    // @ts-expect-error `verbs` is not an Action.Execute property (verb is).
    const action: ExecuteAction = { type: 'Action.Execute', verbs: 'x' };
    // @ts-expect-error an input needs its id: its value is sent under it.
    const anonymous: CardElement = { type: 'Input.Text', label: 'Name' };
    // @ts-expect-error a tap cannot show a card (Action.ShowCard is no select action).
    container([], { selectAction: showCard('More', [], []) });
    // @ts-expect-error a posted card declares its version.
    const versionless: AdaptiveCard = { type: 'AdaptiveCard', body: [] };

    // What the renderer does with them: the card still shows, without the property, and nothing says why.
    const silently = roundTrip(card([extra, foreign, misspelt, anonymous], [action]));
    expect(JSON.stringify(silently)).not.toMatch(/wrp|txt|verbs|"items"/);
    expect(versionless.type).toBe('AdaptiveCard');
  });

  it('admit a schema value in either case, as the renderer reads it', () => {
    expect(input('phone', 'Phone', { style: 'Tel' }).style).toBe('Tel');
    expect(input('phone', 'Phone', { style: 'tel' }).style).toBe('tel');
    expectTypeOf(execute('Save', 'v', {}, { associatedInputs: 'none' })).toEqualTypeOf<ExecuteAction>();
  });

  it('are what every card builder returns', () => {
    expectTypeOf(customerCard).returns.toEqualTypeOf<AdaptiveCard>();
    expectTypeOf(card).returns.toEqualTypeOf<AdaptiveCard>();
  });

  it('name every element, action and property as the renderer reads them', () => {
    const dressed: AdaptiveCard = {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.5',
      rtl: true,
      minHeight: '50px',
      fallbackText: 'Fallback',
      speak: 'Spoken',
      verticalContentAlignment: 'Center',
      refresh: { action: { type: 'Action.Execute', verb: 'refresh', data: { a: 1 } }, userIds: ['29:ana'] },
      body: [
        {
          type: 'TextBlock',
          id: 't',
          text: 'x',
          wrap: true,
          maxLines: 2,
          size: 'Large',
          weight: 'Bolder',
          color: 'Attention',
          isSubtle: true,
          horizontalAlignment: 'Center',
          style: 'heading',
          fontType: 'Monospace',
          separator: true,
          spacing: 'Small',
          isVisible: false,
          height: 'stretch',
        },
        {
          type: 'RichTextBlock',
          horizontalAlignment: 'Left',
          inlines: [
            {
              type: 'TextRun',
              text: 'r',
              italic: true,
              strikethrough: true,
              underline: true,
              highlight: true,
              size: 'Small',
              weight: 'Bolder',
              color: 'Good',
              isSubtle: true,
              fontType: 'Default',
              selectAction: { type: 'Action.OpenUrl', url: 'https://example.com' },
            },
            'plain',
          ],
        },
        {
          type: 'Image',
          url: 'https://example.com/a.png',
          altText: 'A',
          size: 'Small',
          style: 'person',
          width: '20px',
          backgroundColor: '#ffffff',
          horizontalAlignment: 'Right',
          selectAction: { type: 'Action.Execute', verb: 'v' },
        },
        { type: 'ImageSet', images: [{ type: 'Image', url: 'https://example.com/a.png', altText: 'A' }], imageSize: 'Small' },
        { type: 'FactSet', facts: [{ title: 'Title', value: 'Value' }] },
        {
          type: 'Container',
          items: [{ type: 'TextBlock', text: 'c' }],
          style: 'emphasis',
          bleed: true,
          rtl: false,
          minHeight: '20px',
          verticalContentAlignment: 'Bottom',
          selectAction: { type: 'Action.Submit', data: { x: 1 } },
          backgroundImage: { url: 'https://example.com/b.png', fillMode: 'repeat', horizontalAlignment: 'Center', verticalAlignment: 'Center' },
        },
        {
          type: 'ColumnSet',
          horizontalAlignment: 'Left',
          style: 'accent',
          bleed: true,
          minHeight: '10px',
          columns: [
            { type: 'Column', width: 'auto', style: 'good', items: [{ type: 'TextBlock', text: 'c1' }] },
            { type: 'Column', width: 2, items: [{ type: 'TextBlock', text: 'c2' }] },
          ],
        },
        {
          type: 'Table',
          columns: [{ width: 1, horizontalCellContentAlignment: 'Center' }],
          rows: [{ type: 'TableRow', style: 'accent', cells: [{ type: 'TableCell', items: [{ type: 'TextBlock', text: 'c' }] }] }],
          firstRowAsHeaders: false,
          showGridLines: false,
          gridStyle: 'accent',
          verticalCellContentAlignment: 'Center',
        },
        {
          type: 'ActionSet',
          actions: [
            {
              type: 'Action.ToggleVisibility',
              title: 'Toggle',
              targetElements: [{ elementId: 't', isVisible: true }],
              tooltip: 'Shows t',
              mode: 'secondary',
              isEnabled: false,
              iconUrl: 'https://example.com/i.png',
            },
          ],
        },
        {
          type: 'Input.Text',
          id: 'i1',
          label: 'Text',
          isRequired: true,
          errorMessage: 'Required',
          isMultiline: true,
          maxLength: 4,
          placeholder: 'p',
          regex: '.*',
          style: 'Tel',
          value: 'v',
          inlineAction: { type: 'Action.Submit', title: 'Go' },
        },
        { type: 'Input.Number', id: 'i2', label: 'Number', min: 1, max: 3, value: 2, placeholder: 'p' },
        { type: 'Input.Date', id: 'i3', label: 'Date', min: '2020-01-01', max: '2030-01-01', value: '2025-01-01', placeholder: 'p' },
        { type: 'Input.Time', id: 'i4', label: 'Time', min: '08:00', max: '17:00', value: '09:00', placeholder: 'p' },
        { type: 'Input.Toggle', id: 'i5', label: 'Toggle', title: 'On', valueOn: 'y', valueOff: 'n', value: 'y', wrap: true },
        { type: 'Input.ChoiceSet', id: 'i6', label: 'Choice', choices: [{ title: 'A', value: 'a' }], isMultiSelect: true, style: 'filtered', value: 'a', placeholder: 'p', wrap: true },
      ],
      actions: [
        { type: 'Action.Execute', title: 'Execute', verb: 'v', data: { a: 1 }, associatedInputs: 'none', style: 'positive' },
        { type: 'Action.OpenUrl', title: 'Open', url: 'https://example.com' },
        {
          type: 'Action.ShowCard',
          title: 'Show',
          card: { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'in' }], actions: [{ type: 'Action.Submit', title: 'Submit', data: 'text', associatedInputs: 'auto' }] },
        },
      ],
    };
    expect(cardProblems(dressed)).toEqual([]);
    const kept = propertiesOf(roundTrip(dressed));
    const dropped = [...propertiesOf(dressed)].filter((p) => !kept.has(p));
    expect(dropped).toEqual([]);
  });
});
