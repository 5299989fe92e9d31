import './warnings.js'; // first: before anything loads restify
import type { Logger } from 'pino';
import { announceEndpoint } from './botEndpointFile.js';
import { ConfigError, loadConfig, redactedSummary } from './config.js';
import { createLogger } from './log.js';
import { startProduct } from './product.js';
import { ConfigFileError } from './workflows/configuration.js';

// Process entry: configuration → product → signals. Everything else lives in product.ts and below.
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ConfigFileError) {
      process.stderr.write(`Cannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  logger.info({ config: redactedSummary(config) }, 'starting');
  const product = await startProduct(config, logger);
  const endpoint = `http://localhost:${product.port}/api/messages`;
  logger.info({ url: `http://localhost:${product.port}` }, `ready: bot endpoint ${endpoint}`);
  const unannounce = announce(config.dataDir, endpoint, logger);

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'stopping');
    unannounce();
    product.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

/** Tells `npm run playground` where this bot listens (see botEndpointFile.ts); a bot that cannot still runs. */
function announce(dataDir: string, endpoint: string, logger: Logger): () => void {
  try {
    return announceEndpoint(dataDir, endpoint);
  } catch (error) {
    logger.warn({ err: error }, 'cannot write the bot endpoint for npm run playground; give it PORT');
    return () => {};
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
