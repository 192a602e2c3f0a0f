// The updater as the workstation core assembles it: the start record (a version that dies before
// it has run two minutes, twice, says so), the trusted keys built in, and the update service.
// Both belong to the workstation (its data folder), not to any bed or patient.
import type { UpdateChannel } from '../../../shared/update/release';
import { openStartRecord } from './start-record';
import { loadTrustedKeys } from './signature';
import { updateKeysDir } from './update-keys';
import { thisPlatform } from './update-status';
import { UpdateService, type Installer, type UpdateLink } from './update-service';
import type { MonitoredBed } from './policy';

export interface UpdateOptions {
  installer: Installer;
  runningVersion: string;
  channel?: UpdateChannel;
  keysDir?: string;
  /** Tests: how often the feed is read and the policy asked. */
  checkEveryMs?: number;
  evaluateEveryMs?: number;
}

const HEALTH_CHECK_EVERY_MS = 15_000;

export function openWorkstationUpdater(o: {
  update: UpdateOptions;
  dataDir: string;
  workstationId: string;
  link: () => UpdateLink | null;
  monitoredBeds: () => MonitoredBed[];
  log: (message: string) => void;
}): { service: UpdateService; stop(): Promise<void> } {
  const { update, log } = o;
  const startRecord = openStartRecord({ dataDir: o.dataDir, now: Date.now, warn: log });
  startRecord.started(update.runningVersion);
  const keysDir = update.keysDir ?? updateKeysDir();
  const trusted = keysDir ? loadTrustedKeys(keysDir) : { keys: [], problems: [] };
  for (const problem of trusted.problems) log(`update: ${problem}`);
  const service = new UpdateService({
    dataDir: o.dataDir,
    workstationId: o.workstationId,
    runningVersion: update.runningVersion,
    platform: thisPlatform(),
    channel: update.channel ?? 'stable',
    link: o.link,
    monitoredBeds: o.monitoredBeds,
    keys: trusted.keys,
    installer: update.installer,
    log,
    failedStart: () => startRecord.failedStarts(),
    ...(update.checkEveryMs !== undefined ? { checkEveryMs: update.checkEveryMs } : {}),
    ...(update.evaluateEveryMs !== undefined ? { evaluateEveryMs: update.evaluateEveryMs } : {}),
  });
  const healthyTimer = setInterval(() => {
    // Once healthy, a "failed to start" line goes at once rather than at the next round.
    if (startRecord.markHealthyIfDue()) {
      service.tick().catch((error: unknown) => log(`update: ${String(error)}`));
    }
  }, HEALTH_CHECK_EVERY_MS);
  healthyTimer.unref();
  return {
    service,
    async stop() {
      clearInterval(healthyTimer);
      await service.stop();
      startRecord.cleanExit();
    },
  };
}
