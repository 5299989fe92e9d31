import type { Logger } from 'pino';
import type { UnitOfWork } from '../store/unitOfWork.js';
import { AdherenceAlerts } from './adherenceAlerts.js';
import { adherenceReports } from './adherenceReports.js';
import type { AdherenceReports, ScheduleImporter } from './ports.js';
import { scheduleImporter } from './scheduleImport.js';
import type { WfmConfig } from './wfmConfig.js';

export interface Adherence {
  schedules: ScheduleImporter;
  reports: AdherenceReports;
  /** The supervisors' alert loop: start() with the product, stop() before the store closes. */
  alerts: AdherenceAlerts;
}

/** The adherence parts as the product runs them: published schedules, adherence reports, and alerts to supervisors. */
export function createAdherence(deps: {
  unit: UnitOfWork;
  wfm: WfmConfig;
  supervisorIds: readonly string[];
  tell: (supervisorId: string, text: string) => Promise<void>;
  logger: Pick<Logger, 'warn' | 'error'>;
  clock: () => Date;
}): Adherence {
  return {
    schedules: scheduleImporter({ unit: deps.unit, clock: deps.clock }),
    reports: adherenceReports({ unit: deps.unit, activityStates: deps.wfm.activityStates, clock: deps.clock }),
    alerts: new AdherenceAlerts({ unit: deps.unit, config: deps.wfm, supervisorIds: deps.supervisorIds, tell: deps.tell, logger: deps.logger, clock: deps.clock }),
  };
}
