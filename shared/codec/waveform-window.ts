// Stored waveform rows cut to a window and joined where they follow each other: what a review
// strip, an export and the central server's review all read. Pure: rows in (already selected by
// time), segments out. The workstation's store and the central server's copy hold the same rows.

/**
 * The longest a stored row may span. Rows are found through a (bed, t0) index by t0 alone, so a
 * row starting earlier than a window's start minus this is never looked at. A packed row holds
 * the chunks starting in its minute (the store's packing.ts): the last may end up to one chunk
 * (2 s, by default) after it.
 */
export const MAX_CHUNK_SPAN_MS = 65_000;

/** Samples of one channel without a gap: sample k was taken at t0Ms + k * 1000 / rateHz. */
export interface WaveformSegment {
  deviceId: string;
  channel: string;
  rateHz: number;
  /** Time of the first sample in values, UTC ms. */
  t0Ms: number;
  values: Int32Array;
}

/** A stored row, its samples decoded only when the window needs them. */
export interface WindowRow {
  deviceId: string;
  channel: string;
  rateHz: number;
  t0Ms: number;
  sampleCount: number;
  decode(): Int32Array;
}

// t0_ms is stored rounded to whole ms, so a following chunk may start up to 0.5 ms off the
// sample grid; anything later than half a sample is a gap.
const CONTIGUOUS_SAMPLES = 0.5;
const EPSILON_SAMPLES = 1e-6;

interface OpenSegment {
  deviceId: string;
  channel: string;
  rateHz: number;
  t0Ms: number;
  parts: Int32Array[];
  count: number;
  /** When the next sample after the last one held is due, UTC ms. */
  nextMs: number;
}

/**
 * The samples taken within [fromMs, toMs), per device and channel. `rows` come ordered by
 * device, channel, rate, t0 (then id). Consecutive rows are joined; where there is a gap, a new
 * segment starts.
 */
export function cutWaveformWindow(
  rows: Iterable<WindowRow>,
  fromMs: number,
  toMs: number,
): WaveformSegment[] {
  const segments: WaveformSegment[] = [];
  let open: OpenSegment | undefined;
  for (const row of rows) {
    const t0Ms = row.t0Ms;
    const periodMs = 1000 / row.rateHz;
    const first = Math.max(0, Math.ceil((fromMs - t0Ms) / periodMs - EPSILON_SAMPLES));
    const end = Math.min(row.sampleCount, Math.ceil((toMs - t0Ms) / periodMs - EPSILON_SAMPLES));
    const sameStream =
      open !== undefined &&
      open.deviceId === row.deviceId &&
      open.channel === row.channel &&
      open.rateHz === row.rateHz;
    // Where this row's first sample falls, counted in samples after the open segment's last.
    const offset = sameStream ? (t0Ms - open!.nextMs) / periodMs : Infinity;
    if (!sameStream || offset > CONTIGUOUS_SAMPLES) {
      if (open) segments.push(close(open));
      open = undefined;
    }
    if (end <= first) continue;
    const values = row.decode().subarray(first, end);
    if (!open) {
      open = {
        deviceId: row.deviceId,
        channel: row.channel,
        rateHz: row.rateHz,
        t0Ms: t0Ms + first * periodMs,
        parts: [values],
        count: values.length,
        nextMs: t0Ms + end * periodMs,
      };
      continue;
    }
    // A row overlapping the one before. Samples written twice are kept once; a device clock
    // whose estimate stepped back (acquisition/sample-clock.ts) overlaps by a sample or so with
    // new samples, and every one of them is kept: a real sample is never dropped.
    const overlap = Math.max(0, Math.round(-offset));
    const skip = overlap > 0 && repeatsHeld(open, values, overlap) ? overlap : 0;
    if (skip < values.length) {
      open.parts.push(skip > 0 ? values.subarray(skip) : values);
      open.count += values.length - skip;
      open.nextMs = t0Ms + end * periodMs;
    }
  }
  if (open) segments.push(close(open));
  return segments;
}

/** Whether `values` begin with the samples the segment holds from `overlap` before its end. */
function repeatsHeld(open: OpenSegment, values: Int32Array, overlap: number): boolean {
  const start = open.count - overlap;
  if (start < 0) return false;
  const n = Math.min(overlap, values.length);
  let i = 0;
  let partStart = 0;
  for (const part of open.parts) {
    const partEnd = partStart + part.length;
    for (; i < n && start + i < partEnd; i++) {
      if (part[start + i - partStart] !== values[i]) return false;
    }
    if (i >= n) return true;
    partStart = partEnd;
  }
  return i >= n;
}

function close(open: OpenSegment): WaveformSegment {
  const only = open.parts.length === 1 ? open.parts[0]! : undefined;
  let values: Int32Array;
  // A view of part of a decoded row is copied, so its owner does not hold the whole row.
  if (only && only.byteLength === only.buffer.byteLength) values = only;
  else {
    values = new Int32Array(open.count);
    let at = 0;
    for (const part of open.parts) {
      values.set(part, at);
      at += part.length;
    }
  }
  const { deviceId, channel, rateHz, t0Ms } = open;
  return { deviceId, channel, rateHz, t0Ms, values };
}
