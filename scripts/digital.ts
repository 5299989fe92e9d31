/**
 * The digital integrations' admin command (README: digital channels):
 *   npm run digital -- add-integration --name "Acme chat" --box-url https://acme.example/box [--id …] [--authorization-url …]
 *                      [--outbound-client-id …] [--outbound-secret-env ENV]
 *   npm run digital -- list
 * It opens the same database as the app (DATABASE_URL, else DATA_DIR), migrating it if needed.
 */
import { loadConfig } from '../src/config.js';
import { Integrations } from '../src/digital/integrations.js';
import { describeIntegrations, describeIssued, DIGITAL_USAGE, DigitalUsageError, parseDigitalCommand } from '../src/digital/integrationCommands.js';
import { AppError } from '../src/domain/errors.js';
import { openStore } from '../src/store/database.js';
import { UnitOfWork } from '../src/store/unitOfWork.js';

async function main(): Promise<void> {
  const command = parseDigitalCommand(process.argv.slice(2));
  if (command.command === 'help') {
    console.log(DIGITAL_USAGE);
    return;
  }
  const config = loadConfig(process.env);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const integrations = new Integrations({ unit: new UnitOfWork(store.db), clock: () => new Date() });
    if (command.command === 'list') console.log(describeIntegrations(await integrations.list()));
    else console.log(describeIssued(await integrations.issue(command.settings)));
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof DigitalUsageError) console.error(`${error.message}\n\n${DIGITAL_USAGE}`);
  else if (error instanceof AppError) console.error(error.message);
  else console.error(error instanceof Error ? error.message : error);
  process.exitCode = error instanceof DigitalUsageError ? 2 : 1;
});
