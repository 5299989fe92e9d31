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

/** A status row, with whom the agent's open interaction is when that is known (src/agents/agentStatus.ts). */
export type StatusCardRow = AgentStatusRow & { customer?: string | null };

export interface StatusCardOptions {
  /** The filter applied, in words ("After Call Work, in state over 5 min"); absent or empty: every agent. */
  filter?: string;
}

/**
 * The supervisors' view: who is in which state, with which reason code, since when, on which interaction and
 * with whom, how many digital conversations each has open; and (when given) how many digital conversations
 * wait in the queue. Says which filter was applied, and plainly when nobody matches it.
 */
export function statusCard(rows: StatusCardRow[], now: Date, digitalQueue?: DigitalCounts, options: StatusCardOptions = {}): AdaptiveCard {
  return fitToBudget((limit) => {
    const filtered = !!options.filter;
    const body: CardElement[] = [heading(`Agent status (${rows.length})`), text(`As of ${now.toISOString().slice(11, 16)} UTC`, { isSubtle: true, spacing: 'None' })];
    body.push(text(filtered ? `Filter: ${plain(options.filter!)}` : 'Filter: none, every agent', { spacing: 'None', wrap: true }));
    if (digitalQueue) {
      const waiting = digitalTotal(digitalQueue);
      body.push(
        text(waiting === 0 ? 'Digital queue: no conversation is waiting.' : `Digital queue: ${describeDigitalCounts(digitalQueue)} waiting for an agent.`, waiting ? { weight: 'Bolder' } : {}),
      );
    }
    if (rows.length === 0) {
      body.push(
        text(
          filtered
            ? 'No agent matches this filter right now. Type "status" for every agent, or "status help" for the filters.'
            : 'No agents have talked to the bot yet. Agents appear here once they message it.',
          { wrap: true },
        ),
      );
    }
    for (const row of rows.slice(0, limit)) {
      body.push(
        container(
          [
            text(`**${plain(row.agent.name)}**: ${plain(row.stateLabel)}`),
            facts([
              { title: 'In state', value: since(row.secondsInState) },
              {
                title: 'Interaction',
                value: row.interaction
                  ? `${row.interaction.channel} ${displayPhone(row.interaction.ani)} (${row.interaction.state === 'acw' ? 'After Call Work' : row.interaction.state === 'offered' ? 'ringing' : 'on call'})`
                  : 'none',
              },
              ...(row.customer ? [{ title: 'With', value: plain(row.customer.slice(0, 200)) }] : []),
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

/** The answer to a `status` with words it does not know: what was wrong, and every filter with an example. */
export function statusHelpCard(problem: string, filters: readonly string[]): AdaptiveCard {
  return card([heading('Status filters'), text(plain(problem), { wrap: true, weight: 'Bolder' }), text(filters.map((line) => `- ${plain(line)}`).join('\n'), { wrap: true })]);
}
