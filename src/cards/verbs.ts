/** Action.Execute verbs, shared by the cards that carry them and the handlers that answer them. */
export const VERBS = {
  link: 'customerCard.link',
  unlink: 'customerCard.unlink',
  details: 'customerCard.details',
  show: 'customerCard.show',
  /** The card's refresh: Teams sends it for the owner whenever the card is shown, to get their view. */
  refresh: 'customerCard.refresh',
  search: 'customerCard.search',
  createContact: 'customerCard.createContact',
  createCase: 'customerCard.createCase',
  createCustom: 'customerCard.createCustom',
  updateRecord: 'customerCard.updateRecord',
  completeAcw: 'customerCard.completeAcw',
  findDuplicates: 'customerCard.findDuplicates',
  mergeCustomer: 'customerCard.mergeCustomer',
  /** Details of a record an agent found by searching outside a call (no interaction to read it through). */
  lookupDetails: 'search.details',
  /** The digital card's reply box: {interactionId, replyId (the card's one-time id: a double click sends one message), replyText}. */
  reply: 'digital.reply',
  /**
   * A digital conversation's outcome and letting it go (src/actions/threadActions.ts): saveOutcome {interactionId,
   * threadStatus, threadTags (comma separated), threadNotes}; transfer {interactionId, transferTo ("agent:<id>" or
   * "skill:<name>")}; unassign and dismiss {interactionId}.
   */
  saveOutcome: 'digital.saveOutcome',
  transfer: 'digital.transfer',
  unassign: 'digital.unassign',
  dismiss: 'digital.dismiss',
} as const;
export type Verb = (typeof VERBS)[keyof typeof VERBS];

/** What each action is doing, for the card that answers before the action is done. */
export const VERB_PROGRESS: Record<Verb, string> = {
  [VERBS.link]: 'Linking the record',
  [VERBS.unlink]: 'Unlinking the record',
  [VERBS.details]: 'Reading the record',
  [VERBS.show]: 'Loading the card',
  [VERBS.refresh]: 'Loading the card',
  [VERBS.search]: 'Searching the CRM',
  [VERBS.createContact]: 'Creating the contact',
  [VERBS.createCase]: 'Creating the case',
  [VERBS.createCustom]: 'Creating the record',
  [VERBS.updateRecord]: 'Saving the record',
  [VERBS.completeAcw]: 'Completing After Call Work',
  [VERBS.findDuplicates]: 'Looking for other cards of this customer',
  [VERBS.mergeCustomer]: 'Merging the cards',
  [VERBS.lookupDetails]: 'Reading the record',
  [VERBS.reply]: 'Sending your reply',
  [VERBS.saveOutcome]: 'Saving the conversation',
  [VERBS.transfer]: 'Transferring the conversation',
  [VERBS.unassign]: 'Unassigning the conversation',
  [VERBS.dismiss]: 'Dismissing the conversation',
};
