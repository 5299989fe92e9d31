import { z } from 'zod';
import { isCardVerb } from '../actions/registry.js';
import type { Verb } from '../cards/verbs.js';
import { describeIssues } from '../domain/errors.js';

/**
 * A click on the tab's card: the Action.Execute verb and its data, with the card's input values merged in
 * (what Teams sends in an adaptiveCard/action invoke). The data itself is parsed by the verb's own schema.
 */
const actionRequest = z.object({
  // Named in the refusal only when short: never a whole input of any size.
  verb: z
    .string()
    .min(1, 'is required')
    .max(100)
    .refine(isCardVerb, (verb) => ({ message: verb.length <= 100 ? `"${verb}" is not a Customer Card action` : 'is not a Customer Card action' })),
  data: z.record(z.unknown()).default({}),
});

export type TabActionRequest = { verb: Verb; data: Record<string, unknown> };

/** Parses a tab action's body; a bad one is an error naming the field. */
export function parseTabAction(body: unknown): { ok: true; request: TabActionRequest } | { ok: false; problem: string } {
  const parsed = actionRequest.safeParse(body ?? {});
  if (!parsed.success) return { ok: false, problem: describeIssues(parsed.error.issues) };
  return { ok: true, request: { verb: parsed.data.verb as Verb, data: parsed.data.data } };
}

/** A tab's session id (one per page load), sent with its requests. Anything else is ignored. */
export function sessionOf(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  return raw && /^[A-Za-z0-9-]{8,64}$/.test(raw) ? raw : undefined;
}
