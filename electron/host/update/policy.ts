// When to download an update, when to install it, and what the status line says. Pure: the
// monitored beds, the local time, the staging bucket and the download's state come in; nothing
// here reads a clock, a file or the network. The one rule it exists for: never restart under a
// patient, unless a signed-in user asks for it after being shown every monitored bed.
import { compareVersions, type UpdateChannel } from '../../../shared/update/release';
import {
  insideWindow,
  type LocalTime,
  type MaintenanceWindow,
} from '../../../shared/update/maintenance-window';

export {
  insideWindow,
  parseMaintenanceWindow,
  type LocalTime,
  type MaintenanceWindow,
} from '../../../shared/update/maintenance-window';

/** A bed counts as monitored while it has a device assigned or a patient admitted. */
export interface MonitoredBed {
  bedId: string;
  label: string;
  /** The patient's name as the screen shows it; null for a bed with only a device. */
  patient: string | null;
  devices: number;
}

/** What the server offers on the channel this workstation follows (its feed file). */
export interface UpdateOffer {
  version: string;
  channel: UpdateChannel;
  rolloutPercent: number;
  minimumVersion: string | null;
}

/** Where the offered version's file is on this workstation. */
export type DownloadState =
  | { kind: 'none' }
  | { kind: 'downloading'; receivedBytes: number; totalBytes: number }
  /** Downloaded and its signature and sha512 checked. */
  | { kind: 'ready' }
  /** The file or its signature did not match: it is never installed. */
  | { kind: 'refused'; detail: string };

export interface InstallNowRequest {
  /** The signed-in user who asked; empty: nobody is signed in. */
  user: string;
  /** The beds the user was shown as monitored when they chose "Install now". */
  sawBedIds: readonly string[];
}

export interface PolicyInput {
  runningVersion: string;
  channel: UpdateChannel;
  /** Null: nothing offered (no feed yet, or the feed could not be read). */
  offer: UpdateOffer | null;
  /** 0–99, stable for this workstation and version (computed at the edge from its id). */
  stagingBucket: number;
  download: DownloadState;
  monitoredBeds: readonly MonitoredBed[];
  windows: readonly MaintenanceWindow[];
  now: LocalTime;
  /** False when no update signing key is built into this workstation. */
  signingKey: boolean;
  installNow: InstallNowRequest | null;
  /** The workstation is being quit. */
  quitting: boolean;
}

export type InstallDecision =
  /** Nothing to install. */
  | 'none'
  /** Install now: in a window with no bed monitored, at a quit with none, or a user asked. */
  | 'now'
  /** Ready, and a quit now would install it (no bed monitored). */
  | 'on-quit'
  /** Ready, but a bed is monitored (or a user's request cannot be followed). */
  | 'wait';

export type PolicyReason =
  | 'no-offer'
  | 'other-channel'
  | 'up-to-date'
  | 'older-offered'
  | 'not-staged'
  | 'no-signing-key'
  | 'refused'
  | 'download'
  | 'downloading'
  | 'ready';

export interface UpdateDecision {
  download: boolean;
  install: InstallDecision;
  reason: PolicyReason;
  /** Below IT's minimum version: offered whatever the staging (still never under a patient). */
  required: boolean;
  /** The status line, in words for the person at the screen. */
  status: string;
}

export const NO_SIGNING_KEY = 'no update signing key is built into this workstation';

/** Every monitored bed was in the list the user saw (a bed monitored since needs a new look). */
function sawEveryBed(request: InstallNowRequest, beds: readonly MonitoredBed[]): boolean {
  const seen = new Set(request.sawBedIds);
  return beds.every((bed) => seen.has(bed.bedId));
}

export function decideUpdate(input: PolicyInput): UpdateDecision {
  const running = input.runningVersion;
  const offer = input.offer;
  const nothing = (reason: PolicyReason, status: string): UpdateDecision => ({
    download: false,
    install: 'none',
    reason,
    required: false,
    status,
  });
  if (offer === null) return nothing('no-offer', `Version ${running}`);
  if (offer.channel !== input.channel) {
    return nothing(
      'other-channel',
      `Version ${running} — the update feed read is for the ${offer.channel} channel; this workstation follows ${input.channel}`,
    );
  }
  const order = compareVersions(offer.version, running);
  if (order === 0) return nothing('up-to-date', `Version ${running} — up to date`);
  if (order < 0) {
    // Going back is IT's decision on the workstation itself (the previous installer), never ours.
    return nothing(
      'older-offered',
      `Version ${running} — the server offers the older ${offer.version}, which is never installed automatically`,
    );
  }
  const required =
    offer.minimumVersion !== null && compareVersions(running, offer.minimumVersion) < 0;
  const staged = required || input.stagingBucket < offer.rolloutPercent;
  if (!staged) {
    return nothing(
      'not-staged',
      `Version ${running} — update ${offer.version} is being rolled out; this workstation's turn has not come yet`,
    );
  }
  const name = `${required ? 'Required update' : 'Update'} ${offer.version}`;
  const decided = (
    partial: Pick<UpdateDecision, 'download' | 'install' | 'reason' | 'status'>,
  ): UpdateDecision => ({ ...partial, required });
  if (!input.signingKey) {
    return decided({
      download: false,
      install: 'none',
      reason: 'no-signing-key',
      status: `${name} not installed: ${NO_SIGNING_KEY}; IT must install a build that has one`,
    });
  }
  const download = input.download;
  if (download.kind === 'refused') {
    return decided({
      download: false,
      install: 'none',
      reason: 'refused',
      status: `${name} refused, nothing installed: ${download.detail}`,
    });
  }
  if (download.kind === 'none') {
    return decided({
      download: true,
      install: 'none',
      reason: 'download',
      status: `${name} found — downloading`,
    });
  }
  if (download.kind === 'downloading') {
    const percent =
      download.totalBytes > 0
        ? Math.floor((100 * download.receivedBytes) / download.totalBytes)
        : 0;
    return decided({
      download: false,
      install: 'none',
      reason: 'downloading',
      status: `${name} downloading — ${percent} %`,
    });
  }
  return decided(readyDecision(input, name));
}

function readyDecision(
  input: PolicyInput,
  name: string,
): Pick<UpdateDecision, 'download' | 'install' | 'reason' | 'status'> {
  const beds = input.monitoredBeds;
  const windows = input.windows.length > 0;
  const ready = (install: InstallDecision, status: string) => ({
    download: false,
    install,
    reason: 'ready' as const,
    status,
  });
  const request = input.installNow;
  if (request) {
    if (request.user.trim() === '') {
      return ready('wait', `${name} ready — only a signed-in user can install it now`);
    }
    if (!sawEveryBed(request, beds)) {
      const unseen = beds.filter((bed) => !request.sawBedIds.includes(bed.bedId));
      return ready(
        'wait',
        `${name} not installed: ${unseen.map((bed) => bed.label).join(', ')} began to be monitored after the list was shown; look at the list again`,
      );
    }
    return ready('now', `Installing ${name.toLowerCase()} — asked by ${request.user.trim()}`);
  }
  if (beds.length > 0) {
    return ready(
      'wait',
      `${name} ready — will install when no patient is monitored${windows ? ', or at the maintenance window' : ''}`,
    );
  }
  if (input.quitting)
    return ready('now', `Installing ${name.toLowerCase()} as the workstation quits`);
  if (insideWindow(input.windows, input.now)) {
    return ready('now', `Installing ${name.toLowerCase()} — maintenance window`);
  }
  return ready(
    'on-quit',
    `${name} ready — will install when the workstation is next quit${windows ? ', or at the maintenance window' : ''}`,
  );
}
