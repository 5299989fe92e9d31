/**
 * The person behind interactions. The contact center knows them by identifiers: a card per new contact
 * and per new channel (SPEC), until the agent merges two cards of one person.
 */
export interface CustomerIdentifier {
  kind: 'phone' | 'email' | 'channel';
  value: string;
}

export interface Customer {
  id: string;
  name: string;
  identifiers: CustomerIdentifier[];
}
