// The sync status as every screen shows it: one state, what waits, the drain's progress and the
// status line's words ("Central server unreachable since 14:02 — 8 h 12 min of data waiting, all
// kept on this workstation"). Pure: the parts are given, the clock too.
import type { SyncState, SyncStatus } from '../../../shared/api/contract-sync';
import type { OutboxBacklog } from '../store/client';
import type { UploaderState } from './uploader';

export interface SyncStatusParts {
  enrolment: { server: string; name: string; unit: string | null } | null;
  /** Why the kept enrolment cannot be used (unreadable, sealed by another keystore), or null. */
  enrolmentProblem: string | null;
  uploader: UploaderState;
  since: number;
  backlog: OutboxBacklog | null;
  drain: SyncStatus['drain'];
  lastSuccessAtMs: number | null;
  nowMs: number;
}

export function syncStateOf(uploader: UploaderState, enrolled: boolean): SyncState {
  if (!enrolled) return 'not-enrolled';
  switch (uploader.kind) {
    case 'not-enrolled':
      return 'unreachable'; // enrolled, but its credential cannot be used yet
    case 'connected':
      return uploader.sending ? 'draining' : 'connected';
    case 'unreachable':
    case 'failing':
      return 'unreachable';
    case 'version-mismatch':
      return 'version-mismatch';
    case 'revoked':
      return 'revoked';
  }
}

/** A wall-clock time as the screens show it: 14:02, or 3 Dec 14:02 when not today. */
export function clockTime(ms: number, nowMs: number): string {
  const at = new Date(ms);
  const hhmm = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  if (new Date(nowMs).toDateString() === at.toDateString()) return hhmm;
  const month = at.toLocaleString('en-GB', { month: 'short' });
  return `${at.getDate()} ${month} ${hhmm}`;
}

/** 8 h 12 min, 3 d 4 h, 12 min, less than a minute. */
export function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return rest > 0 ? `${hours} h ${rest} min` : `${hours} h`;
  return `${rest} min`;
}

export function sizeOf(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(bytes >= 1e8 ? 0 : 1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} bytes`;
}

function hostOf(server: string): string {
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}

/** "8 h 12 min of data waiting", or "nothing waiting". */
function waitingWords(backlog: OutboxBacklog | null, nowMs: number): string {
  if (!backlog || backlog.rows === 0) return 'nothing waiting';
  const age = backlog.oldestAtMs === null ? 0 : nowMs - backlog.oldestAtMs;
  return age >= 60_000
    ? `${duration(age)} of data waiting`
    : `${backlog.rows.toLocaleString('en-GB')} rows (${sizeOf(backlog.bytes)}) waiting`;
}

function messageOf(parts: SyncStatusParts, state: SyncState): string {
  const { enrolment, backlog, nowMs, since } = parts;
  const waiting = waitingWords(backlog, nowMs);
  if (enrolment === null) {
    const problem = parts.enrolmentProblem ? ` (${parts.enrolmentProblem})` : '';
    return `Not connected to a central server${problem} — all data are kept on this workstation`;
  }
  const host = hostOf(enrolment.server);
  const kept = backlog && backlog.rows > 0 ? `${waiting}, all kept on this workstation` : waiting;
  const uploader = parts.uploader;
  switch (state) {
    case 'connected':
      return `Connected to the central server ${host} — ${backlog && backlog.rows > 0 ? waiting : 'all data sent'}`;
    case 'draining': {
      const left = backlog
        ? `${sizeOf(backlog.bytes)} (${backlog.rows.toLocaleString('en-GB')} rows) left`
        : '';
      const eta =
        parts.drain?.etaS != null ? `, about ${duration(parts.drain.etaS * 1000 + 59_999)}` : '';
      return `Sending data kept while offline to ${host}: ${left}${eta}`;
    }
    case 'unreachable': {
      if (parts.enrolmentProblem)
        return `Not sending to ${host}: ${parts.enrolmentProblem} — ${kept}`;
      const failing = uploader.kind === 'failing' ? ' (it answers with errors)' : '';
      return `Central server unreachable since ${clockTime(since, nowMs)}${failing} — ${kept}`;
    }
    case 'version-mismatch':
      return `Central server and workstation versions do not match since ${clockTime(since, nowMs)}: ${
        uploader.kind === 'version-mismatch' ? uploader.message : ''
      } — ${kept}`;
    case 'revoked':
      return `This workstation is no longer accepted by the central server — monitoring continues, ${kept}; enrol again to send`;
    case 'not-enrolled':
      return `Not connected to a central server — all data are kept on this workstation`;
  }
}

export function syncStatusOf(parts: SyncStatusParts): SyncStatus {
  const enrolled = parts.enrolment !== null;
  const state = syncStateOf(parts.uploader, enrolled);
  const backlog = parts.backlog;
  return {
    enrolled,
    server: parts.enrolment?.server ?? null,
    workstationName: parts.enrolment?.name ?? null,
    unit: parts.enrolment?.unit ?? null,
    state,
    since: parts.since,
    waiting: {
      rows: backlog?.rows ?? 0,
      bytes: Math.round(backlog?.bytes ?? 0),
      oldestAtMs: backlog?.oldestAtMs ?? null,
      byLane: (backlog?.byLane ?? []).map((l) => ({ ...l, bytes: Math.round(l.bytes) })),
    },
    drain: state === 'draining' ? parts.drain : null,
    setAside: backlog?.setAside ?? { count: 0, lastReason: null, lastAtMs: null },
    lastSuccessAtMs: parts.lastSuccessAtMs,
    message: messageOf(parts, state),
  };
}

/** Rows and stored bytes sent per second over the last window, and the time left at that rate. */
export class DrainMeter {
  private readonly sent: { rows: number; bytes: number; atMs: number }[] = [];

  constructor(private readonly windowMs = 30_000) {}

  add(sent: { rows: number; bytes: number; atMs: number }): void {
    this.sent.push(sent);
  }

  rate(nowMs: number, waitingBytes: number, waitingRows: number): SyncStatus['drain'] {
    while (this.sent.length > 0 && this.sent[0]!.atMs < nowMs - this.windowMs) this.sent.shift();
    if (this.sent.length === 0) return null;
    const spanS = Math.max(1, (nowMs - this.sent[0]!.atMs) / 1000);
    const rowsPerS = this.sent.reduce((n, s) => n + s.rows, 0) / spanS;
    const bytesPerS = this.sent.reduce((n, s) => n + s.bytes, 0) / spanS;
    const etaS =
      bytesPerS > 0 ? waitingBytes / bytesPerS : rowsPerS > 0 ? waitingRows / rowsPerS : null;
    return {
      rowsPerS: Math.round(rowsPerS * 10) / 10,
      bytesPerS: Math.round(bytesPerS),
      etaS: etaS === null ? null : Math.round(etaS),
    };
  }
}
