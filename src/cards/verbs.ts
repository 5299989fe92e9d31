/** Action.Execute verbs, shared by the cards that carry them and the handlers that answer them. */
export const VERBS = {
  link: 'customerCard.link',
  unlink: 'customerCard.unlink',
  details: 'customerCard.details',
  show: 'customerCard.show',
  search: 'customerCard.search',
  createContact: 'customerCard.createContact',
  createCase: 'customerCard.createCase',
  createCustom: 'customerCard.createCustom',
  updateRecord: 'customerCard.updateRecord',
  completeAcw: 'customerCard.completeAcw',
} as const;
export type Verb = (typeof VERBS)[keyof typeof VERBS];
