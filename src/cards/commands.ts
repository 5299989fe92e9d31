/** The chat commands, as the help card, the welcome card and the app manifest describe them. */
export const COMMANDS: ReadonlyArray<{ command: string; does: string; supervisorsOnly?: boolean; simulatorOnly?: boolean }> = [
  { command: 'available', does: 'Become Available, so calls are routed to you.' },
  { command: 'unavailable <reason>', does: 'Stop taking calls, with a reason code (for example "unavailable lunch").' },
  { command: 'call <number>', does: 'Simulate an inbound call from that number, routed to you (local simulator).', simulatorOnly: true },
  { command: 'search <text>', does: 'Find CRM records by name, phone, email or case number.' },
  { command: 'hangup', does: 'End the call and start After Call Work on the Customer Card.' },
  { command: 'card', does: 'Show the Customer Card of your open interaction again.' },
  { command: 'status', does: 'Every agent\'s state, reason code, time in state and interaction.', supervisorsOnly: true },
  { command: 'help', does: 'This list.' },
];
