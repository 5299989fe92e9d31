import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const base = { LOG_LEVEL: 'silent' };
const refusal = (env: Record<string, string>): string => {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return 'accepted';
};

describe('numeric environment variables', () => {
  it('take a whole number in range, and the default when unset or empty', () => {
    expect(loadConfig({ ...base, PORT: '8080' }).port).toBe(8080);
    expect(loadConfig({ ...base, PORT: ' 0 ' }).port).toBe(0);
    expect(loadConfig({ ...base, PORT: '65535' }).port).toBe(65535);
    expect(loadConfig(base).port).toBe(3978);
    expect(loadConfig({ ...base, PORT: '' }).port).toBe(3978);
  });

  it('refuse anything else, naming the variable and what it must be in plain words, with the value given', () => {
    expect(refusal({ PORT: 'abc' })).toBe('environment: PORT: must be a whole number from 0 to 65535 (got "abc")');
    expect(refusal({ PORT: '65536' })).toBe('environment: PORT: must be a whole number from 0 to 65535 (got "65536")');
    expect(refusal({ PORT: '-1' })).toBe('environment: PORT: must be a whole number from 0 to 65535 (got "-1")');
    expect(refusal({ PORT: '39.78' })).toBe('environment: PORT: must be a whole number from 0 to 65535 (got "39.78")');
    expect(refusal({ PORT: '1e3' })).toBe('environment: PORT: must be a whole number from 0 to 65535 (got "1e3")');
    expect(refusal({ PORT: '8'.repeat(60) })).toBe(`environment: PORT: must be a whole number from 0 to 65535 (got "${'8'.repeat(40)}…")`);
  });
});
