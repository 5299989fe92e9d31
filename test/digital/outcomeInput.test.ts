import { describe, expect, it } from 'vitest';
import { parseThreadNotes, parseThreadTags, parseTransferTarget, transcriptSummaryOf } from '../../src/digital/outcomeInput.js';

describe('a thread outcome as the card sends it', () => {
  it('tags: trimmed, blanks dropped, the same tag once whatever its case (first spelling kept), at most 20 of 1 to 30 characters', () => {
    expect(parseThreadTags(' VIP, vip ,, Billing ,billing, Late delivery ')).toEqual(['VIP', 'Billing', 'Late delivery']);
    expect(parseThreadTags('')).toEqual([]);
    expect(parseThreadTags(Array.from({ length: 25 }, () => 'same').join(','))).toEqual(['same']);
    expect(() => parseThreadTags(Array.from({ length: 21 }, (_, i) => `t${i}`).join(','))).toThrow(/^threadTags: at most 20 tags \(these are 21\)\.$/);
    expect(() => parseThreadTags(`a,${'b'.repeat(31)}`)).toThrow(/^threadTags: each tag is 1 to 30 characters; tag 2 has 31\.$/);
  });

  it('notes: trimmed, empty is none, at most 4,000 characters', () => {
    expect(parseThreadNotes('  ')).toBeNull();
    expect(parseThreadNotes(' ok ')).toBe('ok');
    expect(parseThreadNotes('n'.repeat(4000))).toHaveLength(4000);
    expect(() => parseThreadNotes('n'.repeat(4001))).toThrow(/^threadNotes: /);
  });

  it('transfer targets: an agent by id or a skill by its SPEC name', () => {
    expect(parseTransferTarget('agent:aad-bob')).toEqual({ agentId: 'aad-bob' });
    expect(parseTransferTarget('skill:Billing.EU')).toEqual({ skill: 'Billing.EU' });
    for (const bad of ['skill:x', 'skill:has space', 'team:Billing', 'agent:', `agent:${'a'.repeat(201)}`]) expect(() => parseTransferTarget(bad), bad).toThrow(/^transferTo: /);
  });

  it('the transcript summary: none without messages; first and last cut to 200 characters, whitespace folded', () => {
    expect(transcriptSummaryOf({ status: 'Open', tags: [] }, { first: undefined, last: undefined, inbound: 0, outbound: 0 })).toBeUndefined();
    const summary = transcriptSummaryOf(
      { status: 'Closed', tags: ['VIP'] },
      {
        first: { authorName: 'Peter Solo', text: `Hello\n\nthere ${'x'.repeat(300)}`, createdAt: '2026-12-06T10:00:00.000Z' },
        last: { authorName: 'Ana', text: 'Bye', createdAt: '2026-12-06T11:02:03.000Z' },
        inbound: 3,
        outbound: 2,
      },
    )!;
    expect(summary.first.text).toHaveLength(200);
    expect(summary.first.text.startsWith('Hello there x')).toBe(true);
    expect(summary.first.text.endsWith('…')).toBe(true);
    expect(summary).toMatchObject({ inbound: 3, outbound: 2, durationSeconds: 3723, status: 'Closed', tags: ['VIP'], last: { author: 'Ana', text: 'Bye' } });
  });
});
