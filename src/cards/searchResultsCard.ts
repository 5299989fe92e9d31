import type { FieldView, Notice } from '../domain/customerCard.js';
import { banner } from './banner.js';
import type { RecordRef } from '../domain/crmRecord.js';
import { fitToBudget } from './budget.js';
import { actionSet, card, container, facts, heading, plain, recordAction, text, trimText } from './elements.js';
import type { AdaptiveCard, CardElement } from './schema/adaptiveCard.js';
import { VERBS } from './verbs.js';

/** Search results when the agent has no open interaction: records to read, nothing to link them to. */
export function searchResultsCard(results: { query: string; notice?: Notice; records: Array<{ ref: RecordRef; typeLabel: string; name: string; fields: FieldView[] }> }): AdaptiveCard {
  return fitToBudget((limit) => {
    const body: CardElement[] = [heading(`Search: ${plain(trimText(results.query, 80))}`)];
    // A type the CRM refused to search is named (the records found are still listed below).
    if (results.notice?.kind === 'warning' && results.records.length) body.push(banner('warning', plain(trimText(results.notice.text, 600))));
    if (results.records.length === 0) {
      body.push(text('No record matches. Try part of a name, a full phone number, an email address or a case number such as CS-1001.'));
    } else {
      body.push(
        text('You have no open interaction, so these are for reading (Details shows all of a record). During a call, results go to the Customer Card where you can link them.', { isSubtle: true }),
      );
    }
    for (const record of results.records.slice(0, limit)) {
      body.push(
        container(
          [
            text(`**${plain(record.typeLabel)}** · ${plain(trimText(record.name, 120))}`),
            ...(record.fields.length ? [facts(record.fields.map((f) => ({ title: plain(f.label), value: plain(trimText(f.value, 200)) })))] : []),
            // An agent looks a customer up between calls: all fields and activities, read only.
            actionSet([
              recordAction('Details', record.name, VERBS.lookupDetails, { recordType: record.ref.type, recordId: record.ref.id }, { tooltip: `All fields and activities of ${record.name}` }),
            ]),
          ],
          { separator: true },
        ),
      );
    }
    if (results.records.length > limit) body.push(text(`Showing ${limit} of ${results.records.length}. Narrow the search.`, { isSubtle: true }));
    return card(body);
  }, 25);
}
