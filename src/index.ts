import './warnings.js'; // first: before anything loads restify
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
  logger.info({ url: `http://localhost:${product.port}` }, `ready: bot endpoint http://localhost:${product.port}/api/messages`);

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'stopping');
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

main().catch((error: unknown) => {
  process.stderr.write(`Cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
