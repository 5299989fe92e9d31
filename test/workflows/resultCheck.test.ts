import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { CrmConnector } from '../../src/crm/port.js';
import type { CrmRecord } from '../../src/domain/crmRecord.js';
import { loadCrmConfigurations } from '../../src/workflows/configuration.js';
import { WorkflowEngine } from '../../src/workflows/engine.js';
import { runWorkflow, WorkflowFailedError } from '../../src/workflows/invoke.js';

const CONFIG_PATH = fileURLToPath(new URL('../../config/crm-configurations.json', import.meta.url));

const maria: CrmRecord = { type: 'contact', id: 'c-1', name: 'Maria', role: 'person', canonical: { phones: ['+12065550142'] }, fields: { firstName: 'Maria' } };

/** A CRM whose phone search answers `found`, whatever it is. */
function answering(found: unknown): WorkflowEngine {
  const answer = () => Promise.resolve(found);
  const none = () => Promise.resolve([]);
  const connector = { standardTypes: {}, unsupported: {}, findByPhone: answer, findByEmail: answer, openCases: none } as unknown as CrmConnector;
  return new WorkflowEngine({ configurations: loadCrmConfigurations(CONFIG_PATH), connectorFor: () => connector, logger: pino({ level: 'silent' }), defaultRegion: 'US' });
}

const searchAni = { configurationId: 'demo', workflowId: 'search-ani', payload: JSON.stringify({ workflowInput: { phoneNumber: '+12065550142' } }) };

describe('workflow results are checked against their kind', () => {
  it('hands back a result of the kind asked for', async () => {
    const result = await answering([maria]).executeKind('search', searchAni);
    expect(result).toMatchObject({ outcome: 'Success', resultSet: { records: [maria], related: [] } });
    expect((await runWorkflow(answering([maria]), 'demo', { kind: 'search', variant: 'ani' }, { phoneNumber: '+12065550142' })).records).toEqual([maria]);
  });

  it('ends in InternalError when a connector answers what the kind does not return', async () => {
    const notRecords = [{ type: 'contact', id: 'c-1' }];
    for (const result of [await answering(notRecords).execute(searchAni), await answering(notRecords).executeKind('search', searchAni)]) {
      expect(result).toMatchObject({ branch: 'InternalError', outcome: 'InternalError' });
      expect(result.resultSet).toBeUndefined();
    }
    await expect(runWorkflow(answering(notRecords), 'demo', { kind: 'search', variant: 'ani' }, { phoneNumber: '+12065550142' })).rejects.toThrow(WorkflowFailedError);
  });

  it('refuses to run a workflow of another kind than the one asked for', async () => {
    const result = await answering([maria]).executeKind('create', searchAni);
    expect(result).toMatchObject({ outcome: 'InvalidWorkflow', errorArgs: { field: 'workflowId' } });
  });
});
