// Waveforms at the resolution a remote viewer's screen needs (stub: filled in with the min/max
// envelope decimator).
import type { BedLiveEvent } from '../api/contract';

/**
 * A stateful decimator for one viewer's stream of one bed: every event goes through it in order.
 * Samples of waves faster than `pointsPerSecond` leave as a min/max envelope at that rate (the
 * snapshot's channels say the new rates); everything else, and slower waves, leave unchanged. An
 * event that needs no change is returned as the same object (so its JSON can be reused).
 */
export function createWaveDecimator(
  _pointsPerSecond: number,
): (event: BedLiveEvent) => BedLiveEvent {
  return (event) => event;
}
