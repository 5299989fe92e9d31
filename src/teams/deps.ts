import type { Logger } from 'pino';
import type { AcdSimulator } from '../acd/simulator.js';
import type { AgentService } from '../agents/agentService.js';
import type { ThreadActions } from '../actions/defineAction.js';
import type { DigitalReplies } from '../digital/replies.js';
import type { ActivityDeliveries } from '../delivery/activityDeliveries.js';
import type { ChatSimulator } from '../digital/chatSimulator.js';
import type { CardMessageSends } from '../interactions/cardMessageSends.js';
import type { CardUpdateAllowance } from '../interactions/cardUpdateAllowance.js';
import type { InteractionEvents } from '../interactions/interactionEvents.js';
import type { InteractionServices } from '../interactions/interactionServices.js';
import type { DayReports } from '../wfm/ports.js';
import type { ReportLinkTarget } from '../wfm/reportLinks.js';

/** What the bot's features need: the services (which know nothing of Teams) and a logger. */
export interface BotDeps extends InteractionServices {
  agents: AgentService;
  acd: AcdSimulator;
  /** The local chat simulator (`chat …`), on with the call simulator. */
  chats: Pick<ChatSimulator, 'chat'>;
  /** A digital conversation's outcome and letting it go (src/digital/threadOutcomes.ts). */
  threads: ThreadActions;
  events: InteractionEvents;
  /** Agents' replies to digital threads: the card's reply box and "reply <text>". */
  replies: Pick<DigitalReplies, 'reply' | 'replyFromChat'>;
  /** Which activities were delivered already (Teams re-sends after a slow answer). */
  deliveries: ActivityDeliveries;
  logger: Logger;
  /** What the card message shows (see AppConfig.cardMessageView). */
  cardMessageView: 'shared' | 'owner';
  clock: () => Date;
  /** How card message updates are ordered against other instances' (absent: this process alone). */
  cardSends?: CardMessageSends;
  /** How many card message updates may be sent, with other instances' counted (absent: this process's own rate). */
  cardUpdateAllowance?: CardUpdateAllowance;
  /** Workforce reports for supervisors (`report …`): the day reports, the site's zone and the CSV's signed link (absent: not set up). */
  wfm?: { dayReports: DayReports; siteTimeZone: string; reportLink(target: ReportLinkTarget): string };
}
