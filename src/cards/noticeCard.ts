import { banner, type BannerKind } from './banner.js';
import { card } from './elements.js';
import type { AdaptiveCard } from './schema/adaptiveCard.js';

/** A one-message card for an answer that has no Customer Card of its own to show (someone else's, say). */
export function noticeCard(message: string, kind: BannerKind = 'warning'): AdaptiveCard {
  // Here a warning is always a refusal (an AppError the agent caused): say so.
  return card([banner(kind, message, kind === 'warning' ? 'Refused' : undefined)]);
}
