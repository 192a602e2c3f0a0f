// The router's audit entries, on their way to the store. A clinician paging through a day of
// full disclosure makes a read per page; the privacy officer needs "who looked at this patient's
// waveforms, when", not every page: the same person making the same call about the same subject
// within a minute is one entry (the first). Every change and every new subject is written.
import type { CallAudit } from './router';

export const COALESCE_READS_MS = 60_000;

/** Calls that only read: repeated within COALESCE_READS_MS they are written once. */
const READS = new Set([
  'bedLive',
  'searchPatients',
  'patientHistory',
  'listStrips',
  'getStrip',
  'getAlarmLog',
  'findBeatMark',
  'listSoundRecordings',
  'getSoundRecording',
  'getTrend',
  'getWaveformWindow',
  'getWaveformExtent',
  'searchCensus',
  'listExports',
  'listPorts',
]);

/** Wraps `write` so that repeated reads are written once a minute; bounded memory. */
export function coalescingAudit(
  write: (entry: CallAudit) => void,
  windowMs = COALESCE_READS_MS,
): (entry: CallAudit) => void {
  const lastWritten = new Map<string, number>();
  return (entry) => {
    if (READS.has(entry.action)) {
      const key = `${entry.actor}\u0000${entry.action}\u0000${entry.subject}\u0000${entry.detail}`;
      const last = lastWritten.get(key);
      if (last !== undefined && entry.atMs - last < windowMs && entry.atMs >= last) return;
      if (lastWritten.size > 10_000) {
        for (const [k, at] of lastWritten) if (entry.atMs - at >= windowMs) lastWritten.delete(k);
        if (lastWritten.size > 10_000) lastWritten.clear();
      }
      lastWritten.set(key, entry.atMs);
    }
    write(entry);
  };
}
