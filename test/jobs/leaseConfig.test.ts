import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('job lease settings', () => {
  const base = { PORT: '0', LOG_LEVEL: 'silent' };
  const problem = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
      return 'accepted';
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
  };

  it('leases jobs for 10 s renewed every 3 s unless told otherwise', () => {
    expect(loadConfig(base).jobs).toEqual({ leaseMs: 10_000, heartbeatMs: 3_000 });
    expect(loadConfig({ ...base, JOB_LEASE_MS: '4000', JOB_HEARTBEAT_MS: '1000' }).jobs).toEqual({ leaseMs: 4_000, heartbeatMs: 1_000 });
  });

  it('refuses values a lease cannot work with, naming the variable', () => {
    expect(problem({ JOB_LEASE_MS: 'soon' })).toMatch(/JOB_LEASE_MS/);
    expect(problem({ JOB_LEASE_MS: '10' })).toMatch(/JOB_LEASE_MS: must be a whole number from 1000 to 600000/);
    expect(problem({ JOB_HEARTBEAT_MS: '0' })).toMatch(/JOB_HEARTBEAT_MS: must be a whole number from 100 to 600000/);
    expect(problem({ JOB_LEASE_MS: '2000', JOB_HEARTBEAT_MS: '2000' })).toMatch(/JOB_HEARTBEAT_MS: must be less than JOB_LEASE_MS/);
  });
});
