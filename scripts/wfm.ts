/**
 * The workforce admin command (README: Workforce data):
 *   npm run wfm -- add-key <consumer> | revoke-key <consumer> | list-keys
 * It opens the same database as the app (DATABASE_URL, else DATA_DIR), migrating it if needed.
 */
import { loadConfig } from '../src/config.js';
import { AppError } from '../src/domain/errors.js';
import { openStore } from '../src/store/database.js';
import { UnitOfWork } from '../src/store/unitOfWork.js';
import { WfmApiKeys } from '../src/wfm/apiKeys.js';
import { parseWfmCommand, runWfmCommand, WFM_USAGE, WfmUsageError } from '../src/wfm/wfmCommands.js';

async function main(): Promise<void> {
  const command = parseWfmCommand(process.argv.slice(2));
  if (command.command === 'help') {
    console.log(WFM_USAGE);
    return;
  }
  const config = loadConfig(process.env);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const unit = new UnitOfWork(store.db);
    console.log(await runWfmCommand(command, { keys: new WfmApiKeys({ unit, clock: () => new Date() }) }));
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof WfmUsageError) console.error(`${error.message}\n\n${WFM_USAGE}`);
  else if (error instanceof AppError) console.error(error.message);
  else console.error(error instanceof Error ? error.message : error);
  process.exitCode = error instanceof WfmUsageError ? 2 : 1;
});
