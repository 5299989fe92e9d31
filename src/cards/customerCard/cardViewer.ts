/**
 * Who the card is drawn for:
 * - `owner`, the agent handling the interaction: everything, and every action while it is open;
 * - `supervisor` (SUPERVISOR_IDS) reading another agent's card: the same information, no action;
 * - `observer`, anyone else Teams shows the message to: no customer data at all (no name, number, record,
 *   note or disposition), only that this is an agent's Customer Card, whose, and how far along it is.
 */
export type CardViewer = 'owner' | 'supervisor' | 'observer';
