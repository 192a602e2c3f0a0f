// Which waves a monitor shows first: ECG, then pleth, then respiration, then anything else. The
// bedside draws them in this order; a central tile draws only the first, and the host sends a
// tile only that one (see the bedLive stream's `waveforms: 'primary'`).
import type { WaveformChannel } from './schemas';

export type WaveformKind = 'ecg' | 'pleth' | 'resp' | 'other';

export function waveformKind(refId: string): WaveformKind {
  if (refId.startsWith('MDC_ECG_ELEC_POTL')) return 'ecg';
  if (refId === 'MDC_PULS_OXIM_PLETH') return 'pleth';
  if (refId === 'MDC_IMPED_TTHOR' || /RESP/i.test(refId)) return 'resp';
  return 'other';
}

const waveformOrder: Record<WaveformKind, number> = { ecg: 0, pleth: 1, resp: 2, other: 3 };

/** Displayed channels in monitor order: ECG, Pleth, Resp, then anything else (stable). */
export function orderWaveforms<C extends Pick<WaveformChannel, 'refId'>>(
  channels: readonly C[],
): C[] {
  return [...channels].sort(
    (a, b) => waveformOrder[waveformKind(a.refId)] - waveformOrder[waveformKind(b.refId)],
  );
}

/** The one wave a central tile draws: the first in monitor order, or none. */
export function primaryWaveform<C extends Pick<WaveformChannel, 'refId'>>(
  channels: readonly C[],
): C | undefined {
  return orderWaveforms(channels)[0];
}
