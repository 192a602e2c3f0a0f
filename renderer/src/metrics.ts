// Latency benchmark hook: with ?metrics=1 in the page URL, each waveform draw is recorded in the
// bounded array window.__workstationMetrics; without it, recording does nothing.

export interface WaveformDrawMetric {
  channel: string;
  /** The bed whose tile or view drew it (the nearest data-bed-id), when there is one. */
  bedId?: string;
  lastValue: number | null;
  drawnAt: number;
}

declare global {
  interface Window {
    __workstationMetrics?: WaveformDrawMetric[];
  }
}

const MAX_ENTRIES = 50_000;
// Dropping a tenth at once keeps pushes cheap once the array is full.
const DROP_WHEN_FULL = 5_000;

const enabled =
  typeof window !== 'undefined' &&
  new URLSearchParams(window.location.search).get('metrics') === '1';

if (enabled) window.__workstationMetrics ??= [];

export function recordWaveformDraw(
  channel: string,
  lastValue: number | null,
  drawnOn?: Element,
): void {
  if (!enabled) return;
  const entries = (window.__workstationMetrics ??= []);
  if (entries.length >= MAX_ENTRIES) entries.splice(0, DROP_WHEN_FULL);
  const bedId = drawnOn?.closest('[data-bed-id]')?.getAttribute('data-bed-id') ?? undefined;
  entries.push({ channel, lastValue, drawnAt: Date.now(), ...(bedId ? { bedId } : {}) });
}
