import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerCard } from '../../src/cards/customerCard.js';
import { DEMO } from '../../src/crm/embedded/demoSeed.js';
import { CrmError, type CrmConnector } from '../../src/crm/port.js';
import type { FieldValue } from '../../src/domain/crmRecord.js';
import { JobWorker } from '../../src/jobs/worker.js';
import { acwJobsFor, acwWritesOf } from '../../src/interactions/acwJobs.js';
import { repositoriesOf } from '../../src/store/unitOfWork.js';
import { findInteraction } from '../../src/store/interactionsRepository.js';
import { listRecordLinks } from '../../src/store/interactionRecordsRepository.js';
import { loadCrmConfigurations } from '../../src/workflows/configuration.js';
import { cardText } from '../support/botHarness.js';
import { buildServices } from '../support/services.js';
import { STORE_BACKENDS, type TestStore } from '../support/stores.js';

const MARIA = { type: 'contact', id: DEMO.maria.id };

describe.each(STORE_BACKENDS)('the card speaks the canonical model ($name)', (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => {
    await store.dispose();
  });

  /** Services over a CRM whose writes are recorded (and, optionally, whose text search refuses a type). */
  async function onACall(wrap: (crm: CrmConnector) => Partial<CrmConnector> = () => ({})) {
    const updates: Array<Record<string, FieldValue>> = [];
    const services = await buildServices(store, {
      wrap: (crm) => {
        const proxy = Object.create(crm) as CrmConnector;
        proxy.update = (ref, fields, options) => {
          updates.push(fields);
          return crm.update(ref, fields, options);
        };
        return Object.assign(proxy, wrap(crm));
      },
    });
    await services.agents.identify('aad-1', 'Alex Agent');
    await services.agents.setAvailable('aad-1');
    const offered = await services.calls.offerCall('aad-1', '(206) 555-0142');
    return { services, updates, interactionId: offered.interaction.id, offered };
  }

  it('saves only what the agent changed, and says "Nothing changed" with no CRM call when nothing did', async () => {
    const { services, updates, interactionId } = await onACall();
    const unchanged = await services.records.updateRecord('aad-1', interactionId, MARIA, {
      email: 'maria.garcia@contoso.example',
      mobilePhone: '+1 206 555 0142',
      lastDisposition: '',
    });
    expect(unchanged.notice?.text).toMatch(/^Nothing changed in Maria Garcia: nothing was sent to the CRM/);
    expect(updates).toEqual([]);

    const saved = await services.records.updateRecord('aad-1', interactionId, MARIA, {
      email: 'maria.garcia@contoso.example',
      mobilePhone: '206-555-0111',
      accountName: 'Someone Else Inc',
    });
    // The derived account name is read-only (describe): not sent; the phone is stored in E.164, shown formatted.
    expect(updates).toEqual([{ mobilePhone: '206-555-0111' }]);
    expect(saved.notice?.text).toMatch(/Saved Maria Garcia\. 1 read-only field was left as the CRM has it/);
    expect((await services.embedded.get(MARIA, { signal: AbortSignal.timeout(5000) }))?.fields.mobilePhone).toBe('+12065550111');
    expect(cardText(customerCard(saved))).toMatch(/Mobile: \+1 206 555 0111/);
  });

  it('shows Details like a product: CRM labels, references by name, no internal fields, the organization kept on the card', async () => {
    const { services, interactionId } = await onACall();
    await services.embedded.update(MARIA, { lastContactAt: '2026-03-04T10:20:30.000Z', internalVersion: 7 }, { signal: AbortSignal.timeout(5000) });
    await services.agents.noteTimeZone('aad-1', 'America/Los_Angeles');
    const details = await services.cards.details('aad-1', interactionId, MARIA);
    const facts = Object.fromEntries(details.fields.map((f) => [f.label, f.value]));
    expect(details.record.typeLabel).toBe('Contact');
    expect(facts).toMatchObject({ 'First Name': 'Maria', 'Last Name': 'Garcia', Account: 'Contoso Pharmaceuticals', 'Last Contact': expect.stringMatching(/^4 Mar 2026, 02:20 (PST|GMT-8)$/) });
    const labels = details.fields.map((f) => f.label);
    expect(
      labels.filter((label) => label === 'Account'),
      'the reference and its name field shown once',
    ).toHaveLength(1);
    for (const raw of ['accountId', 'firstName', 'internalVersion', 'lastContactAt']) expect(labels).not.toContain(raw);
    expect(details.fields.map((f) => f.value)).not.toContain(DEMO.contoso.id);
    expect(cardText(customerCard(await services.cards.view('aad-1', interactionId)))).toMatch(/Account: Contoso Pharmaceuticals/);
  });

  it('keeps who the data dip found when the CRM refuses their open cases (403), and names the missing permission', async () => {
    const { offered } = await onACall(() => ({
      openCases: async () => {
        throw new CrmError('missing the permission to read tickets', 403);
      },
    }));
    expect(offered.current.map((r) => r.ref.id)).toEqual([DEMO.maria.id]);
    expect(offered.notice).toMatchObject({
      kind: 'warning',
      text: expect.stringMatching(/Maria Garcia matches .* linked to this call\. The CRM did not let this app read open cases \(missing the permission to read tickets\): ask your admin/),
    });
  });

  it('keeps what a text search found when the CRM refuses one type, and names the missing permission', async () => {
    const { services } = await onACall((crm) => ({
      searchText: async (text, roles, options) => {
        const found = await crm.searchText(
          text,
          roles.filter((r) => r !== 'lead'),
          options,
        );
        return { records: found.records, refused: [{ type: 'lead', reason: 'missing the Read Lead permission' }] };
      },
    }));
    const { card } = await services.records.search('aad-1', 'García');
    expect([...(card?.current ?? []), ...(card?.related ?? [])].map((r) => r.ref.id)).toContain(DEMO.maria.id);
    expect(card?.notice).toMatchObject({ kind: 'warning', text: expect.stringMatching(/record.* found for "García".*did not let you search lead \(missing the Read Lead permission\)/) });
  });

  it("offers New case with the CRM's own priorities and default, and dates on the card in the agent's time zone", async () => {
    const { services, interactionId } = await onACall();
    await services.agents.noteTimeZone('aad-1', 'Europe/Paris');
    const view = await services.cards.view('aad-1', interactionId);
    expect(view.casePriority).toEqual({ choices: ['Low', 'Medium', 'High'].map((p) => ({ value: p, label: p })), defaultValue: 'Medium' });
    const priority = JSON.stringify(customerCard(view)).match(/"id":"priority"[^}]*"choices":\[[^\]]*\][^}]*/)?.[0] ?? '';
    expect(priority).toContain('"value":"Medium"');
    expect(cardText(customerCard(view))).toMatch(/Started: \d{1,2} \w{3} \d{4}, \d{2}:\d{2} (CET|CEST|GMT\+\d)/);
  });

  it('shows what memorialization wrote once it is written, and "Nothing to write" where no mapping covers the record', async () => {
    const { services, interactionId } = await onACall();
    await services.calls.hangup('aad-1');
    await services.calls.completeAcw('aad-1', interactionId, { disposition: 'Resolved', notes: '' });
    await new JobWorker({ db: store.db, engine: services.engine, logger: services.logger }).drain();
    const done = await services.cards.view('aad-1', interactionId);
    const text = cardText(customerCard(done));
    expect(text).toMatch(/Last disposition: Resolved/);
    expect(text).toMatch(/Saved to the CRM \(2 of 2\)/);
    expect(done.notice?.text).not.toMatch(/being saved/);

    // A configuration whose mappings cover accounts only: Maria's data write had nothing to write.
    const configuration = loadCrmConfigurations('config/crm-configurations.json').configurations[0]!;
    const accountsOnly = { ...configuration, memorializationMappings: [{ source: 'agent.name' as const, target: 'lastAgent', recordTypes: ['account'] }] };
    const links = await listRecordLinks(store.db, interactionId);
    const writes = await acwWritesOf(repositoriesOf(store.db).jobs, interactionId, links, accountsOnly);
    expect(writes.map((w) => [w.what, w.status])).toEqual([
      ['timeline', 'done'],
      ['memorialization', 'nothing'],
    ]);
    const interaction = (await findInteraction(store.db, interactionId))!;
    expect(acwJobsFor(interaction, { id: 'aad-1', name: 'Alex Agent' }, links, configuration, new Date())).toHaveLength(2);
    const nothing = cardText(customerCard({ ...done, crmWrites: writes.map(({ ref: _ref, ...w }) => w) }));
    expect(nothing).toMatch(/Data · Maria Garcia: Nothing to write/);
    expect(nothing).toMatch(/Saved to the CRM \(1 of 1\)/);
  });
});
