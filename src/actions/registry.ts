import { VERBS, type Verb } from '../cards/verbs.js';
import { ACW_ACTIONS } from './acwActions.js';
import type { ActionSchema, CardAction } from './defineAction.js';
import { MERGE_ACTIONS } from './mergeActions.js';
import { READING_ACTIONS } from './readingActions.js';
import { RECORD_ACTIONS } from './recordActions.js';
import { REPLY_ACTIONS } from './replyActions.js';
import { THREAD_ACTIONS } from './threadActions.js';

/** Every Customer Card action, by feature. Chat and tab both come through here. */
export const CARD_ACTIONS: readonly CardAction[] = [...READING_ACTIONS, ...RECORD_ACTIONS, ...MERGE_ACTIONS, ...ACW_ACTIONS, ...REPLY_ACTIONS, ...THREAD_ACTIONS];

/**
 * The actions by verb. A verb defined twice, or a verb of VERBS with no action, fails here, when the module
 * loads: at start, and in every test that runs an action.
 */
export function actionRegistry(actions: readonly CardAction[]): ReadonlyMap<Verb, CardAction> {
  const byVerb = new Map<Verb, CardAction>();
  for (const action of actions) {
    if (byVerb.has(action.verb)) throw new Error(`card action ${action.verb} is defined twice`);
    byVerb.set(action.verb, action);
  }
  const missing = Object.values(VERBS).filter((verb) => !byVerb.has(verb));
  if (missing.length > 0) throw new Error(`card actions missing for: ${missing.join(', ')}`);
  return byVerb;
}

const REGISTRY = actionRegistry(CARD_ACTIONS);

export function isCardVerb(verb: string): verb is Verb {
  return REGISTRY.has(verb as Verb);
}

export function cardAction(verb: Verb): CardAction {
  return REGISTRY.get(verb)!;
}

/** The schema of a verb's data (for its tests, and for whoever needs to know which fields a verb reads). */
export function actionSchema(verb: Verb): ActionSchema<unknown> {
  return cardAction(verb).schema;
}
