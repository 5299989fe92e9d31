import { describe, expect, it } from 'vitest';
import { instantAt, RepeatedInstants, RepeatedTexts, wholeNumberAt } from '../../src/store/textFields.js';

/** Each field inside a longer text, at an offset, as the rollup reads meet them. */
const inText = (field: string) => ({ text: `ab\t${field}\tcd`, start: 3, end: 3 + field.length });

describe('fields read in place (the rollup reads)', () => {
  it('reads a whole number as Number() reads the field, whatever it holds', () => {
    for (const field of ['0', '7', '007', '900000', '123456789012345', '1234567890123456789', '-12', '', ' 1', '+1', '1e3', '12a', '1.5', '٣']) {
      const { text, start, end } = inText(field);
      expect([field, wholeNumberAt(text, start, end)]).toEqual([field, Number(field)]);
    }
  });

  it('reads an instant as Date.parse reads the field, the ISO text the store writes and any other', () => {
    const fields = [
      '2026-12-07T10:15:00.000Z',
      '2026-12-06T23:00:00.000Z',
      '1970-01-01T00:00:00.000Z',
      '2026-02-31T00:00:00.000Z', // rolls over, as Date.parse does
      '2026-12-07T24:00:00.000Z', // the next midnight to Date.parse
      '2026-12-07T23:60:00.000Z',
      '2026-13-07T23:00:00.000Z',
      '2026-00-07T23:00:00.000Z',
      '2026-12-00T23:00:00.000Z',
      '0050-01-01T00:00:00.000Z', // not 1950
      '2026-12-07T10:15:00.5a0Z',
      '2026-12-07 10:15:00.000Z',
      '2026-12-07T10:15:00Z',
      '2026-12-07T10:15:00.000+01:00',
      '+002026-12-07T10:15:00.000Z',
      'not a time at all, 24 ch',
      '',
    ];
    for (const field of fields) {
      const { text, start, end } = inText(field);
      expect([field, instantAt(text, start, end)]).toEqual([field, Date.parse(field)]);
    }
  });

  it('gives the instant of each field when the same one comes again and again, and after another', () => {
    const fields = ['2026-12-07T10:15:00.000Z', '2026-12-07T10:15:00.000Z', '2026-12-07T10:30:00.000Z', '2026-12-07T10:15:00.000Z', '2026-12-08T10:15:00.000Z', '2026-12-08T10:15:00Z'];
    const text = fields.join('\n');
    const instants = new RepeatedInstants();
    let at = 0;
    const read = fields.map((field) => {
      const instant = instants.at(text, at, at + field.length);
      at += field.length + 1;
      return instant;
    });
    expect(read).toEqual(fields.map((field) => Date.parse(field)));
    // Another text with the same field at another place: still the same instant.
    expect(instants.at('x2026-12-08T10:15:00Z', 1, 21)).toBe(Date.parse('2026-12-08T10:15:00Z'));
  });

  it('gives one string per repeated text, and every text as it is, past its limit too', () => {
    const texts = new RepeatedTexts(2);
    const line = 'Available\tUnavailable\tAvailable\tWorking\tACW\tWorking\tAvail';
    const fields: string[] = [];
    for (let at = 0; at < line.length;) {
      const end = line.indexOf('\t', at) === -1 ? line.length : line.indexOf('\t', at);
      fields.push(texts.at(line, at, end));
      at = end + 1;
    }
    expect(fields).toEqual(line.split('\t'));
    // From another text, at another place: the same texts.
    expect([texts.at('xAvailable', 1, 10), texts.at('Unavailable', 0, 11), texts.at('xACWx', 1, 4)]).toEqual(['Available', 'Unavailable', 'ACW']);
  });
});
