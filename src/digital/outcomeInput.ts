import { invalidInput } from '../domain/errors.js';
import type { TranscriptSummary } from '../workflows/interactionData.js';
import type { Thread } from '../domain/digital.js';
import { isSkillName } from './digitalConfig.js';

export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 30;
export const MAX_THREAD_NOTES = 4000;
/** How much of the first and last messages the timeline activity carries. */
const SUMMARY_TEXT = 200;

/**
 * The tags as the card's field sends them, comma separated: trimmed, empty ones dropped, the same tag once
 * (whatever its case; the first spelling kept). Each 1 to 30 characters, at most 20. Errors name the field
 * and say which tag, never echo it whole.
 */
export function parseThreadTags(raw: string): string[] {
  const tags: string[] = [];
  const seen = new Set<string>();
  for (const [index, part] of raw.split(',').entries()) {
    const tag = part.trim();
    if (!tag) continue;
    if (tag.length > MAX_TAG_LENGTH) throw invalidInput(`threadTags: each tag is 1 to ${MAX_TAG_LENGTH} characters; tag ${index + 1} has ${tag.length}.`);
    const key = tag.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    tags.push(tag);
  }
  if (tags.length > MAX_TAGS) throw invalidInput(`threadTags: at most ${MAX_TAGS} tags (these are ${tags.length}).`);
  return tags;
}

/** The notes, trimmed (null when empty), at most 4,000 characters. */
export function parseThreadNotes(raw: string): string | null {
  const notes = raw.trim();
  if (notes.length > MAX_THREAD_NOTES) throw invalidInput(`threadNotes: notes are limited to ${MAX_THREAD_NOTES} characters (these have ${notes.length}).`);
  return notes || null;
}

/** Where a transfer goes: an agent by id, or a skill (whoever has it and is free). */
export type TransferTarget = { agentId: string } | { skill: string };

export function parseTransferTarget(raw: string): TransferTarget {
  const match = /^(agent|skill):(.+)$/.exec(raw.trim());
  if (!match || match[2]!.length > 200 || (match[1] === 'skill' && !isSkillName(match[2]!))) throw invalidInput('transferTo: choose an agent ("agent:<id>") or a skill ("skill:<name>").');
  return match[1] === 'agent' ? { agentId: match[2]! } : { skill: match[2]! };
}

interface TranscriptEdge {
  authorName: string;
  text: string;
  createdAt: string;
}

/** What the timeline activity tells of a thread's transcript; undefined for a thread with no message. */
export function transcriptSummaryOf(
  thread: Pick<Thread, 'status' | 'tags'>,
  counts: { first: TranscriptEdge | undefined; last: TranscriptEdge | undefined; inbound: number; outbound: number },
): TranscriptSummary | undefined {
  const { first, last } = counts;
  if (!first || !last) return undefined;
  const message = (m: TranscriptEdge) => ({ author: cut(m.authorName, 200), text: cut(m.text.replace(/\s+/g, ' ').trim(), SUMMARY_TEXT), at: m.createdAt });
  return {
    first: message(first),
    last: message(last),
    inbound: counts.inbound,
    outbound: counts.outbound,
    durationSeconds: Math.max(0, Math.round((Date.parse(last.createdAt) - Date.parse(first.createdAt)) / 1000)),
    status: thread.status,
    tags: thread.tags,
  };
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
