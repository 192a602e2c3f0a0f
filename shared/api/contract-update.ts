// The update requests and stream of the contract (spread into `requests` and `streams` in
// contract.ts): what the workstation's updater is doing, for the line at the foot of every
// screen, and "Install now" for a person who has been shown every monitored bed. The host's
// update policy decides (electron/host/update/policy.ts); the screen only shows and asks.
import { z } from 'zod';
import { UpdateState } from '../update/release';

export const MonitoredBedWire = z.object({
  bedId: z.string(),
  label: z.string(),
  /** The patient's name as the screen shows it; null for a bed with only a device. */
  patient: z.string().nullable(),
  devices: z.number().int().nonnegative(),
});

export const UpdateStatus = z.object({
  state: UpdateState,
  runningVersion: z.string(),
  offeredVersion: z.string().nullable(),
  /** The status line, in words: "Update 3.2.0 ready — will install when no patient is monitored…". */
  line: z.string(),
  progress: z
    .object({
      receivedBytes: z.number().nonnegative(),
      totalBytes: z.number().nonnegative(),
    })
    .nullable(),
  /** Ready and waiting: "Install now" may be offered, listing `monitoredBeds` first. */
  installable: z.boolean(),
  monitoredBeds: z.array(MonitoredBedWire),
  /** Below the hospital's minimum version. */
  required: z.boolean(),
});
export type UpdateStatus = z.infer<typeof UpdateStatus>;

export const updateRequests = {
  /** The updater's status; null when this workstation has no updater (not enrolled, or a shell without one). */
  getUpdateStatus: { input: z.object({}).strict(), output: UpdateStatus.nullable() },
  /**
   * Installs the downloaded update now (the workstation restarts). `sawBedIds` are the monitored
   * beds the person was shown; if any other bed is monitored by now, it is refused and the new
   * list is given, to be shown again.
   */
  installUpdateNow: {
    input: z.object({ sawBedIds: z.array(z.string().max(80)).max(64) }).strict(),
    output: z.object({ installing: z.boolean(), status: UpdateStatus }).strict(),
  },
} as const;

export const updateStreams = {
  /** The update status now, then on every change; null while there is no updater. */
  updateStatus: { input: z.object({}).strict(), event: UpdateStatus.nullable() },
} as const;
