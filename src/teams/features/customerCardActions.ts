import type { Application } from '@microsoft/teams-ai';
import {
  caseData,
  completeAcwData,
  contactData,
  customRecordData,
  editedFields,
  interactionData,
  parseFieldLines,
  recordData,
  searchData,
} from '../../cards/actionData.js';
import { customerCard } from '../../cards/customerCard.js';
import { recordDetailsCard } from '../../cards/recordDetailsCard.js';
import { VERBS } from '../../cards/verbs.js';
import type { BotDeps } from '../deps.js';
import { cardAction } from '../turn.js';

/** The Customer Card's Action.Execute verbs. Each answers with the card to show in place. */
export function registerCustomerCardActions(app: Application, deps: BotDeps): void {
  const { interactions } = deps;
  const ref = (d: { recordType: string; recordId: string }) => ({ type: d.recordType, id: d.recordId });
  const on = app.adaptiveCards;

  on.actionExecute(VERBS.show, cardAction(deps, interactionData, async (c, d) => customerCard(await interactions.view(c.agentId, d.interactionId))));
  on.actionExecute(VERBS.link, cardAction(deps, recordData, async (c, d) => customerCard(await interactions.link(c.agentId, d.interactionId, ref(d)))));
  on.actionExecute(VERBS.unlink, cardAction(deps, recordData, async (c, d) => customerCard(await interactions.unlink(c.agentId, d.interactionId, ref(d)))));
  on.actionExecute(VERBS.details, cardAction(deps, recordData, async (c, d) => recordDetailsCard(await interactions.details(c.agentId, d.interactionId, ref(d)))));
  on.actionExecute(
    VERBS.search,
    cardAction(deps, searchData, async (c, d) => customerCard(await interactions.searchOnCard(c.agentId, d.interactionId, d.query))),
  );
  on.actionExecute(
    VERBS.createContact,
    cardAction(deps, contactData, async (c, d) =>
      customerCard(
        await interactions.createRecord(c.agentId, d.interactionId, {
          kind: 'contact',
          fields: { firstName: d.firstName, lastName: d.lastName, phone: d.phone, email: d.email },
        }),
      ),
    ),
  );
  on.actionExecute(
    VERBS.createCase,
    cardAction(deps, caseData, async (c, d) =>
      customerCard(
        await interactions.createRecord(c.agentId, d.interactionId, {
          kind: 'case',
          fields: { subject: d.subject, description: d.description, priority: d.priority },
        }),
      ),
    ),
  );
  on.actionExecute(
    VERBS.createCustom,
    cardAction(deps, customRecordData, async (c, d) =>
      customerCard(await interactions.createRecord(c.agentId, d.interactionId, { kind: 'custom', entity: d.entity, fields: parseFieldLines(d.fields) })),
    ),
  );
  on.actionExecute(
    VERBS.updateRecord,
    cardAction(deps, recordData, async (c, d) => customerCard(await interactions.updateRecord(c.agentId, d.interactionId, ref(d), editedFields(d)))),
  );
  on.actionExecute(
    VERBS.completeAcw,
    cardAction(deps, completeAcwData, async (c, d) =>
      customerCard(await interactions.completeAcw(c.agentId, d.interactionId, { disposition: d.disposition, notes: d.notes })),
    ),
  );
}
