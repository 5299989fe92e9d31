import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigFileError, findWorkflow, loadCrmConfigurations, MEMORIALIZATION_SOURCES, parseCrmConfigurations } from '../../src/workflows/configuration.js';

const SHIPPED = fileURLToPath(new URL('../../config/crm-configurations.json', import.meta.url));

type Json = Record<string, unknown>;
type FileJson = { integrationsEnabled?: boolean; defaultConfigurationId?: string; configurations: Array<Json & { workflows: Json[]; memorializationMappings?: Json[] }> };

const dir = mkdtempSync(join(tmpdir(), 'crm-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let written = 0;
/** Writes a configurations file (text as is, or the shipped file changed by `edit`) and returns its path. */
function configFile(content: string | ((json: FileJson) => void)): string {
  const path = join(dir, `crm-configurations-${written++}.json`);
  let text: string;
  if (typeof content === 'string') {
    text = content;
  } else {
    const json = JSON.parse(readFileSync(SHIPPED, 'utf8')) as FileJson;
    content(json);
    text = JSON.stringify(json, null, 2);
  }
  writeFileSync(path, text);
  return path;
}

/** Loads a file that must be refused and returns the message. */
function refusal(path: string): string {
  try {
    loadCrmConfigurations(path);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigFileError);
    return (error as Error).message;
  }
  throw new Error(`${path} was accepted`);
}

const workflows = (json: FileJson) => json.configurations[0]!.workflows;

describe('the shipped configurations file', () => {
  const config = loadCrmConfigurations(SHIPPED);

  it('loads, with integrations on and the demo configuration as the default', () => {
    expect(config.integrationsEnabled).toBe(true);
    expect(config.defaultConfigurationId).toBe('demo');
    expect(config.configurations.map((c) => [c.id, c.connector.type])).toEqual([['demo', 'embedded']]);
  });

  it('enables one workflow of each kind the product needs, every workflow enabled by default', () => {
    const demo = config.configurations[0]!;
    expect(demo.workflows.every((w) => w.enabled)).toBe(true);
    expect(findWorkflow(demo, { kind: 'search', variant: 'ani' })?.id).toBe('search-ani');
    expect(findWorkflow(demo, { kind: 'search', variant: 'custom' })?.id).toBe('custom-search');
    for (const type of ['account', 'contact', 'case', 'lead']) {
      expect(findWorkflow(demo, { kind: 'create', variant: 'standard', recordType: type })?.id, type).toBe(`create-${type}`);
    }
    expect(findWorkflow(demo, { kind: 'create', variant: 'custom' })?.id).toBe('create-custom-record');
    expect(findWorkflow(demo, { kind: 'update' })?.id).toBe('update-record');
    expect(findWorkflow(demo, { kind: 'timeline' })).toMatchObject({ id: 'timeline', subject: 'Inbound call' });
    expect(findWorkflow(demo, { kind: 'memorialization' })?.id).toBe('memorialize');
  });

  it('maps only known interaction data, and shows fields for the standard types', () => {
    const demo = config.configurations[0]!;
    expect(demo.memorializationMappings.length).toBeGreaterThan(0);
    for (const m of demo.memorializationMappings) expect(MEMORIALIZATION_SOURCES).toContain(m.source);
    expect(Object.keys(demo.dynamicDataMappings)).toEqual(expect.arrayContaining(['account', 'contact', 'case', 'lead']));
  });

  it('finds no disabled workflow', () => {
    const config2 = parseCrmConfigurations(
      readFileSync(
        configFile((json) => (workflows(json).find((w) => w.id === 'timeline')!.enabled = false)),
        'utf8',
      ),
      'x',
    );
    expect(findWorkflow(config2.configurations[0]!, { kind: 'timeline' })).toBeUndefined();
  });
});

describe('errors name the file, the key and the problem', () => {
  it('a file that cannot be read', () => {
    const path = join(dir, 'missing.json');
    expect(refusal(path)).toBe(`${path}: cannot be read (ENOENT)`);
  });

  it('invalid JSON', () => {
    const path = configFile('{ "configurations": [ } ');
    expect(refusal(path)).toMatch(new RegExp(`^${literal(path)}: not valid JSON \\(.+\\)$`));
  });

  it('an unknown key at the top', () => {
    const path = configFile((json) => Object.assign(json, { integrationEnabled: false }));
    const message = refusal(path);
    expect(message.startsWith(`${path}: `)).toBe(true);
    expect(message).toMatch(/Unrecognized key/);
    expect(message).toContain("'integrationEnabled'");
  });

  it('an unknown key inside a workflow, with its path', () => {
    const path = configFile((json) => Object.assign(workflows(json)[2]!, { recordTyp: 'account' }));
    expect(refusal(path)).toMatch(new RegExp(`^${literal(path)}: configurations\\.0\\.workflows\\.2: Unrecognized key.*'recordTyp'`));
  });

  it('a duplicate workflow id', () => {
    const path = configFile((json) => workflows(json).push({ id: 'search-ani', name: 'Again', kind: 'search', variant: 'custom' }));
    const index = workflows(JSON.parse(readFileSync(path, 'utf8')) as FileJson).length - 1;
    expect(refusal(path)).toBe(`${path}: configurations.0.workflows.${index}.id: duplicate workflow id "search-ani"`);
  });

  it('a duplicate configuration id', () => {
    const path = configFile((json) => json.configurations.push({ ...json.configurations[0]!, name: 'Copy' }));
    expect(refusal(path)).toBe(`${path}: configurations.1.id: duplicate configuration id "demo"`);
  });

  it('a standard create without recordType', () => {
    const path = configFile((json) => delete workflows(json)[2]!.recordType);
    const message = refusal(path);
    expect(message).toMatch(new RegExp(`^${literal(path)}: configurations\\.0\\.workflows\\.2\\.recordType: `));
    expect(message).toMatch(/account, contact, case, lead/);
  });

  it('a standard create of a non-standard type', () => {
    const path = configFile((json) => (workflows(json)[2]!.recordType = 'spaceship'));
    expect(refusal(path)).toMatch(new RegExp(`^${literal(path)}: configurations\\.0\\.workflows\\.2\\.recordType: a standard create names one of`));
  });

  it('a custom create needs no recordType', () => {
    const path = configFile((json) => {
      workflows(json)[2]!.variant = 'custom';
      delete workflows(json)[2]!.recordType;
    });
    expect(() => loadCrmConfigurations(path)).not.toThrow();
  });

  it('a defaultConfigurationId no configuration has', () => {
    const path = configFile((json) => (json.defaultConfigurationId = 'production'));
    expect(refusal(path)).toBe(`${path}: defaultConfigurationId: no configuration has id "production"`);
  });

  it.each([
    ['a workflow id with a space', (json: FileJson) => (workflows(json)[0]!.id = 'search ani'), 'configurations.0.workflows.0.id'],
    ['a workflow id with a path', (json: FileJson) => (workflows(json)[0]!.id = '../search-ani'), 'configurations.0.workflows.0.id'],
    [
      'a configuration id too long',
      (json: FileJson) => {
        json.configurations[0]!.id = 'c'.repeat(65);
        delete json.defaultConfigurationId;
      },
      'configurations.0.id',
    ],
    ['an empty defaultConfigurationId', (json: FileJson) => (json.defaultConfigurationId = ''), 'defaultConfigurationId'],
  ])('%s', (_, edit, key) => {
    const path = configFile(edit);
    expect(refusal(path)).toMatch(new RegExp(`^${literal(path)}: ${literal(key)}: must be 1-64 letters, digits`));
  });

  it('an unknown memorialization source', () => {
    const path = configFile((json) => json.configurations[0]!.memorializationMappings!.push({ source: 'interaction.mood', target: 'mood' }));
    const message = refusal(path);
    expect(message).toMatch(new RegExp(`^${literal(path)}: configurations\\.0\\.memorializationMappings\\.3\\.source: `));
    expect(message).toContain("'interaction.mood'");
    expect(message).toContain('interaction.disposition'); // says what it could have been
  });

  it('an unknown workflow kind and an unknown connector type', () => {
    const kind = configFile((json) => (workflows(json)[0]!.kind = 'delete'));
    expect(refusal(kind)).toMatch(new RegExp(`^${literal(kind)}: configurations\\.0\\.workflows\\.0\\.kind: `));
    const connector = configFile((json) => (json.configurations[0]!.connector = { type: 'hubspot' }));
    expect(refusal(connector)).toMatch(new RegExp(`^${literal(connector)}: configurations\\.0\\.connector\\.type: type must be one of "embedded", "salesforce", "dynamics", "servicenow", "zendesk"`));
  });

  it('a CRM connector without what it needs, named', () => {
    const path = configFile((json) => (json.configurations[0]!.connector = { type: 'salesforce', apiVersion: '62.0' }));
    expect(refusal(path)).toMatch(new RegExp(`^${literal(path)}: configurations\\.0\\.connector\\.instanceUrl: `));
  });

  it('a value of the wrong type', () => {
    const path = configFile((json) => ((json as Json).integrationsEnabled = 'yes'));
    expect(refusal(path)).toMatch(new RegExp(`^${literal(path)}: integrationsEnabled: Expected boolean, received string`));
  });

  it('names every problem of a configuration at once', () => {
    const path = configFile((json) => {
      workflows(json)[0]!.id = 'bad id';
      json.configurations[0]!.memorializationMappings![0]!.source = 'agent.mood';
    });
    const message = refusal(path);
    expect(message).toContain('configurations.0.workflows.0.id');
    expect(message).toContain('configurations.0.memorializationMappings.0.source');
  });

  it('parseCrmConfigurations names the source it was given', () => {
    expect(() => parseCrmConfigurations('{"configurations": 3}', 'env CRM_CONFIGURATIONS')).toThrow(/^env CRM_CONFIGURATIONS: configurations: Expected array, received number$/);
  });
});

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
