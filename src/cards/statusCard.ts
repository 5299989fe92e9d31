import type { AgentStatusRow } from '../domain/agentState.js';
import { describeDigitalCounts, digitalTotal, type DigitalCounts } from '../domain/digital.js';
import { displayPhone } from '../domain/phone.js';
import { fitToBudget } from './budget.js';
import { card, container, facts, heading, plain, text } from './elements.js';
import type { AdaptiveCard, CardElement } from './schema/adaptiveCard.js';

function since(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * The supervisors' view: who is in which state, with which reason code, since when, on which interaction, how
 * many digital conversations each has open; and (when given) how many digital conversations wait in the queue.
 */
export function statusCard(rows: AgentStatusRow[], now: Date, digitalQueue?: DigitalCounts): AdaptiveCard {
  return fitToBudget((limit) => {
    const body: CardElement[] = [heading(`Agent status (${rows.length})`), text(`As of ${now.toISOString().slice(11, 16)} UTC`, { isSubtle: true, spacing: 'None' })];
    if (digitalQueue) {
      const waiting = digitalTotal(digitalQueue);
      body.push(
        text(waiting === 0 ? 'Digital queue: no conversation is waiting.' : `Digital queue: ${describeDigitalCounts(digitalQueue)} waiting for an agent.`, waiting ? { weight: 'Bolder' } : {}),
      );
    }
    if (rows.length === 0) body.push(text('No agents have talked to the bot yet. Agents appear here once they message it.'));
    for (const row of rows.slice(0, limit)) {
      body.push(
        container(
          [
            text(`**${plain(row.agent.name)}**: ${row.stateLabel}`),
            facts([
              { title: 'In state', value: since(row.secondsInState) },
              {
                title: 'Interaction',
                value: row.interaction
                  ? `${row.interaction.channel} ${displayPhone(row.interaction.ani)} (${row.interaction.state === 'acw' ? 'After Call Work' : row.interaction.state === 'offered' ? 'ringing' : 'on call'})`
                  : 'none',
              },
              ...(row.digital ? [{ title: 'Digital', value: describeDigitalCounts(row.digital) }] : []),
            ]),
          ],
          { separator: true },
        ),
      );
    }
    if (rows.length > limit) body.push(text(`Showing ${limit} of ${rows.length} agents.`, { isSubtle: true }));
    return card(body);
  }, 100);
}
