// Tells the central server what this workstation runs and what its updater is doing (IT's
// release page), with the sync credential; a report that does not get through is sent again later.
import type { UpdateStatus } from '../../../shared/api/contract-update';
import {
  UPDATE_REPORT_PATH,
  UpdateReport,
  type UpdateChannel,
  type UpdatePlatform,
} from '../../../shared/update/release';
import { exchange, type SyncEndpoint } from '../sync/http';

export async function sendUpdateReport(
  endpoint: SyncEndpoint,
  credential: string,
  report: UpdateReport,
  timeoutMs = 15_000,
): Promise<void> {
  const body = new TextEncoder().encode(JSON.stringify(UpdateReport.parse(report)));
  const answer = await exchange(endpoint, {
    method: 'POST',
    path: UPDATE_REPORT_PATH,
    headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
    body,
    connectTimeoutMs: timeoutMs,
    idleTimeoutMs: timeoutMs,
    maxResponseBytes: 64 * 1024,
  });
  if (answer.status < 200 || answer.status >= 300) {
    const text = answer.body.toString('utf8').slice(0, 200);
    throw new Error(`the central server answered ${answer.status} to the update report: ${text}`);
  }
}

/** The report for a status: why, in the status line's words, only when refused or failing. */
export function reportOf(
  status: UpdateStatus,
  platform: UpdatePlatform,
  channel: UpdateChannel,
): UpdateReport {
  const why = status.state === 'refused' || status.state === 'error';
  return {
    runningVersion: status.runningVersion,
    platform,
    channel,
    state: status.state,
    offeredVersion: status.offeredVersion,
    detail: why ? status.line.slice(0, 500) : null,
  };
}
