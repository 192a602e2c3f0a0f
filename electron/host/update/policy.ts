// When to download an update, when to install it, and what the status line says. Pure: the
// monitored beds, the local time, the staging bucket and the download's state come in; nothing
// here reads a clock, a file or the network. The one rule it exists for: never restart under a
// patient, unless a signed-in user asks for it after being shown every monitored bed.
import { compareVersions, type UpdateChannel } from '../../../shared/update/release';

/** A bed counts as monitored while it has a device assigned or a patient admitted. */
export interface MonitoredBed {
  bedId: string;
  label: string;
  /** The patient's name as the screen shows it; null for a bed with only a device. */
  patient: string | null;
  devices: number;
}

/** A weekly window IT sets on the server, in the workstation's local time. */
export interface MaintenanceWindow {
  /** 0 Sunday … 6 Saturday; null: every day. */
  weekday: number | null;
  startMinute: number;
  /** At or before the start: the window crosses midnight into the next day. */
  endMinute: number;
  /** As IT wrote it, for the status line. */
  text: string;
}

export interface LocalTime {
  /** 0 Sunday … 6 Saturday. */
  weekday: number;
  /** Minutes since local midnight, 0–1439. */
  minute: number;
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

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FULL_DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/**
 * "Sun 02:00–04:00", "Sat 23:00-01:00" (crosses midnight), "Daily 03:00–03:30"; the window is
 * a problem string when it is not one.
 */
export function parseMaintenanceWindow(text: string): MaintenanceWindow | string {
  const match = /^\s*([A-Za-z]+)\s+(\d{1,2}):(\d{2})\s*(?:-|–|—|to)\s*(\d{1,2}):(\d{2})\s*$/u.exec(
    text,
  );
  if (!match) return `"${text}" is not a maintenance window (e.g. "Sun 02:00–04:00")`;
  const day = match[1]!.toLowerCase();
  const weekday =
    day === 'daily' ? null : DAYS.includes(day) ? DAYS.indexOf(day) : FULL_DAYS.indexOf(day);
  if (weekday === -1) return `"${text}": "${match[1]}" is not a day (Mon … Sun, or Daily)`;
  const hm = (h: string, m: string) => (Number(h) > 24 || Number(m) > 59 ? NaN : +h * 60 + +m);
  const startMinute = hm(match[2]!, match[3]!);
  const endMinute = hm(match[4]!, match[5]!);
  if (!(startMinute < 1440) || !(endMinute <= 1440))
    return `"${text}": a time of day is 00:00 to 23:59`;
  if (startMinute === endMinute) return `"${text}" is a window of no length`;
  return { weekday, startMinute, endMinute: endMinute % 1440, text: text.trim() };
}

/** Inside any of the windows now; one crossing midnight is open until its end the next day. */
export function insideWindow(windows: readonly MaintenanceWindow[], now: LocalTime): boolean {
  return windows.some((w) => {
    const dayMatches = (weekday: number) => w.weekday === null || w.weekday === weekday;
    if (w.startMinute < w.endMinute) {
      return dayMatches(now.weekday) && now.minute >= w.startMinute && now.minute < w.endMinute;
    }
    // Crossing midnight: the evening of its day, or the early hours of the day after.
    const yesterday = (now.weekday + 6) % 7;
    return (
      (dayMatches(now.weekday) && now.minute >= w.startMinute) ||
      (dayMatches(yesterday) && now.minute < w.endMinute)
    );
  });
}

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
