/**
 * The parts of teams-js the tab uses, in a module of their own so that the tab loads it only inside a
 * Teams host (teams-js fetches its list of valid host origins from a CDN once it runs) and the bundle
 * keeps only these parts.
 */
export { app, authentication } from '@microsoft/teams-js';
