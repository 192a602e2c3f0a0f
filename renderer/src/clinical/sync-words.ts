// The status line about the central server, in words, from the host's sync status: one sentence
// on every screen, so a nurse at a rural clinic knows whether the hospital sees this patient's
// data and that nothing is lost while it does not. Times are this screen's local time.
import type { SyncStatus } from '../../../shared/api/contract-sync';
import { clockTime, timeOrDateAndTime } from './clinical-time';
import { byteWords, durationWords } from '../strings/exports';

export type SyncTone = 'quiet' | 'ok' | 'busy' | 'warning';

export interface SyncLine {
  tone: SyncTone;
  text: string;
}

const count = (n: number) => n.toLocaleString('en-GB');

/** "under a minute", "9 min", "8 h 12 min": a span as a person says it, to the minute. */
function minutesWords(seconds: number): string {
  if (seconds < 60) return 'under a minute';
  return durationWords(seconds).replace(/ \d+ s$/, '');
}

/** "8 h 12 min of data", from the oldest row still waiting. */
function backlogSpan(status: SyncStatus, nowMs: number): string | null {
  const oldest = status.waiting.oldestAtMs;
  if (oldest === null || status.waiting.rows === 0) return null;
  return `${minutesWords((nowMs - oldest) / 1000)} of data`;
}

function setAsideWords(status: SyncStatus): string {
  const n = status.setAside.count;
  if (n === 0) return '';
  return ` · ${count(n)} ${n === 1 ? 'row' : 'rows'} refused by the server, kept here (see Settings)`;
}

export function syncLine(status: SyncStatus, nowMs: number): SyncLine {
  const since = timeOrDateAndTime(status.since, nowMs);
  const waiting = status.waiting;
  switch (status.state) {
    case 'not-enrolled':
      return {
        tone: 'quiet',
        text: 'Not connected to a central server: data are kept on this workstation only',
      };
    case 'connected':
      return {
        tone: 'ok',
        text:
          (waiting.rows === 0
            ? 'Central server connected: all data sent'
            : `Central server connected: ${count(waiting.rows)} rows (${byteWords(waiting.bytes)}) being sent`) +
          setAsideWords(status),
      };
    case 'draining': {
      const drain = status.drain;
      const rate = drain && drain.bytesPerS > 0 ? `, ${byteWords(drain.bytesPerS)}/s` : '';
      const eta = drain && drain.etaS !== null ? `, about ${minutesWords(drain.etaS)} left` : '';
      return {
        tone: 'busy',
        text:
          `Sending data kept while offline: ${byteWords(waiting.bytes)} left ` +
          `(${count(waiting.rows)} rows)${rate}${eta}` +
          setAsideWords(status),
      };
    }
    case 'unreachable': {
      const span = backlogSpan(status, nowMs);
      return {
        tone: 'warning',
        text:
          `Central server unreachable since ${since}` +
          (span ? ` — ${span} waiting (${byteWords(waiting.bytes)})` : '') +
          ', all kept on this workstation' +
          setAsideWords(status),
      };
    }
    case 'version-mismatch':
      return { tone: 'warning', text: status.message };
    case 'revoked':
      return {
        tone: 'warning',
        text:
          `The central server no longer accepts this workstation (since ${clockTime(status.since)}): ` +
          'monitoring goes on and every row is kept here. Ask IT to enrol it again.',
      };
  }
}
