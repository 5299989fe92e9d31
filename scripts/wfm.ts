/**
 * The workforce admin command (README: Workforce data):
 *   npm run wfm -- add-key <consumer> | revoke-key <consumer> | list-keys | import-schedule <file> | show-schedule <agent> <date>
 * It opens the same database as the app (DATABASE_URL, else DATA_DIR), migrating it if needed.
 */
import { loadConfig } from '../src/config.js';
import { AppError } from '../src/domain/errors.js';
import { openStore } from '../src/store/database.js';
import { UnitOfWork } from '../src/store/unitOfWork.js';
import { WfmApiKeys } from '../src/wfm/apiKeys.js';
import { scheduleImporter } from '../src/wfm/scheduleImport.js';
import { ScheduleUsageError } from '../src/wfm/scheduleCommands.js';
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
    const clock = () => new Date();
    const deps = { keys: new WfmApiKeys({ unit, clock }), schedules: scheduleImporter({ unit, clock }), unit, siteTimeZone: config.wfm.siteTimeZone };
    console.log(await runWfmCommand(command, deps));
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof WfmUsageError || error instanceof ScheduleUsageError) console.error(`${error.message}\n\n${WFM_USAGE}`);
  else if (error instanceof AppError) console.error(error.message);
  else console.error(error instanceof Error ? error.message : error);
  process.exitCode = error instanceof WfmUsageError || error instanceof ScheduleUsageError ? 2 : 1;
});
