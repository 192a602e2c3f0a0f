// A remote clinician's strip "now": the central server's stored signal of the bed arrives a minute
// at a time (the workstation sends each minute packed, about a minute after it), so the last
// seconds come from what the server keeps of a watched bed's live waves for resuming viewers
// (replay-buffer.ts, the samples as the bed sent them). This joins the two: per channel the stored
// segments, then the kept samples after the last stored one, cut to the strip's span. Pure.
import type { WaveformChannel, SampleBlock } from '../../shared/model/schemas';
import type { StripChannel, StripSegment } from '../../shared/strips/strip-content';
import { blockEndMs, samplesFrom } from '../../shared/telehealth/viewer';

/** A stored segment as getWaveformWindow answers it. */
export interface StoredSegment extends StripSegment {
  label?: string | undefined;
  unit?: string | undefined;
  scale?: number | null | undefined;
}

/** What the server keeps of the bed's live waves: the channels of its last snapshot, the samples. */
export interface RecentWaves {
  channels: readonly WaveformChannel[];
  blocks: readonly SampleBlock[];
}

const keyOf = (s: { deviceId: string; channel: string; rateHz: number }) =>
  `${s.deviceId}\u0000${s.channel}\u0000${s.rateHz}`;

/** The newest time the recent waves reach (just after their last sample), or null. */
export function recentEndMs(recent: RecentWaves | null): number | null {
  if (!recent || recent.blocks.length === 0) return null;
  return Math.max(...recent.blocks.map((block) => blockEndMs(block)));
}

/** The samples of `block` before `toMs` (a sample at toMs or later is left out), or null. */
function samplesBefore(block: SampleBlock, toMs: number): SampleBlock | null {
  const periodMs = 1000 / block.rateHz;
  const keep = Math.min(block.values.length, Math.max(0, Math.ceil((toMs - block.t0) / periodMs)));
  if (keep === 0) return null;
  return keep === block.values.length ? block : { ...block, values: block.values.slice(0, keep) };
}

/**
 * The strip's channels and segments from `fromMs` to `toMs`: the stored ones, and after each
 * channel's last stored sample (or from `fromMs` for a channel with none stored) the recent ones.
 */
export function withRecentWaves(
  stored: readonly StoredSegment[],
  recent: RecentWaves | null,
  fromMs: number,
  toMs: number,
): { channels: StripChannel[]; segments: StripSegment[] } {
  const channels = new Map<string, StripChannel>();
  const storedEnd = new Map<string, number>();
  for (const s of stored) {
    const key = keyOf(s);
    if (!channels.has(key))
      channels.set(key, {
        deviceId: s.deviceId,
        channel: s.channel,
        rateHz: s.rateHz,
        label: s.label ?? s.channel,
        unit: s.unit ?? '{count}',
        scale: s.scale ?? null,
      });
    const end = s.t0Ms + (s.values.length * 1000) / s.rateHz;
    storedEnd.set(key, Math.max(storedEnd.get(key) ?? -Infinity, end));
  }
  const segments: StripSegment[] = [...stored];
  if (!recent) return { channels: [...channels.values()], segments };
  for (const c of recent.channels) {
    const key = keyOf({ deviceId: c.deviceId, channel: c.refId, rateHz: c.rateHz });
    if (!channels.has(key))
      channels.set(key, {
        deviceId: c.deviceId,
        channel: c.refId,
        rateHz: c.rateHz,
        label: c.label,
        unit: c.unit,
        scale: c.scale,
      });
  }
  for (const block of recent.blocks) {
    if (!(block.rateHz > 0)) continue;
    const key = keyOf(block);
    const from = Math.max(fromMs, storedEnd.get(key) ?? -Infinity);
    if (blockEndMs(block) <= from || block.t0 >= toMs) continue;
    const tail = samplesFrom(block, from);
    const cut = tail && samplesBefore(tail, toMs);
    if (!cut) continue;
    segments.push({
      deviceId: cut.deviceId,
      channel: cut.channel,
      rateHz: cut.rateHz,
      t0Ms: cut.t0,
      values: cut.values,
    });
  }
  return { channels: [...channels.values()], segments };
}
