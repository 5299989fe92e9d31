import { networkInterfaces } from 'node:os';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startProduct, type RunningProduct } from '../../src/product.js';
import { SQLITE_STORE, type TestStore } from '../support/stores.js';

/** An address of this machine other than loopback: what someone on the network would connect to. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && !i.internal && i.family === 'IPv4')?.address;

const reaches = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('where the server listens', () => {
  it('defaults to 127.0.0.1 without BOT_ID and 0.0.0.0 with it; HOST overrides both; bad values name the variable', () => {
    expect(loadConfig({}).http).toMatchObject({ host: '127.0.0.1', hostReason: expect.stringMatching(/no BOT_ID/) });
    expect(loadConfig({ BOT_ID: 'b', SECRET_BOT_PASSWORD: 'p' }).http).toMatchObject({ host: '0.0.0.0', hostReason: expect.stringMatching(/BOT_ID is set/) });
    expect(loadConfig({ HOST: '0.0.0.0' }).http.host).toBe('0.0.0.0');
    expect(loadConfig({ BOT_ID: 'b', SECRET_BOT_PASSWORD: 'p', HOST: '10.1.2.3' }).http.host).toBe('10.1.2.3');
    expect(loadConfig({}).http).toMatchObject({ headersTimeoutMs: 5_000, requestTimeoutMs: 5_000, maxConnectionsPerClient: 256 });
    const bad: Array<[string, string]> = [
      ['HOST', 'http://example.com/'],
      ['HTTP_HEADERS_TIMEOUT_MS', 'soon'],
      ['HTTP_REQUEST_TIMEOUT_MS', '5'],
      ['HTTP_MAX_CONNECTIONS_PER_CLIENT', '-1'],
      ['BOT_OPENID_METADATA_URL', 'not a url'],
    ];
    for (const [name, value] of bad) {
      expect(() => loadConfig({ [name]: value }), name).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value }), name).toThrow(new RegExp(name));
    }
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
  });

  describe.skipIf(!outsideAddress)(`without BOT_ID (this machine's outside address: ${outsideAddress})`, () => {
    let store: TestStore;
    let product: RunningProduct;
    const lines: Array<Record<string, any>> = [];

    beforeAll(async () => {
      store = await SQLITE_STORE.open();
      const sink = new Writable({
        write(chunk, _enc, done) {
          for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
          done();
        },
      });
      product = await startProduct(loadConfig({ PORT: '0', DATA_DIR: store.productOptions.dataDir }), pino({ level: 'info' }, sink));
    });
    afterAll(async () => {
      await product?.stop();
      await store?.dispose();
    });

    it('is reachable from this machine only, and says so at start', async () => {
      expect(await reaches('127.0.0.1', product.port)).toBe(true);
      expect(await reaches(outsideAddress!, product.port)).toBe(false);
      expect(lines.find((l) => l.msg?.startsWith('listening on'))).toMatchObject({
        host: '127.0.0.1',
        msg: 'listening on 127.0.0.1: no BOT_ID: activities are anonymous, so only this machine may reach it (set HOST to change)',
      });
    });
  });
});
