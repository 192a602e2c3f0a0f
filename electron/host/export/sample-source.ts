// What the format writers read: a record's channels described up front (length, value range,
// checksum) and their samples read piece by piece, so that a record of any length is written in
// bounded memory. An in-memory record is one such source; a record spooled from the store another.

import type { ExportAnnotation, ExportChannel, ExportFile, ExportRecord } from './record';

export interface SourceChannel extends Omit<ExportChannel, 'samples'> {
  /** How many samples the channel holds. */
  length: number;
  /** Smallest and largest sample (Infinity and -Infinity when there is none). */
  min: number;
  max: number;
  /** Sum of the samples mod 2^16 as a signed 16-bit number (the WFDB header checksum). */
  checksum: number;
}

export interface SampleSource {
  name: string;
  /** UTC milliseconds of sample 0. */
  startMs: number;
  channels: SourceChannel[];
  annotations: ExportAnnotation[];
  patient?: ExportRecord['patient'];
  /** Samples [from, from + count) of channel `index`; fewer when that runs past its end. */
  read(index: number, from: number, count: number): Int32Array;
}

/** One file of an export, made piece by piece as `pieces()` is iterated. */
export interface StreamedFile {
  name: string;
  /** How many pieces `pieces()` yields (for progress). */
  pieceCount: number;
  pieces(): Iterable<Uint8Array | string>;
}

/** Seconds of signal a writer makes at a time, unless told otherwise: bounded memory per piece. */
export const DEFAULT_PIECE_SECONDS = 60;

/** Running range and checksum of a channel's samples, fed a piece at a time. */
export class ChannelStats {
  min = Infinity;
  max = -Infinity;
  #sum = 0;

  add(values: Int32Array): void {
    let { min, max } = this;
    let sum = this.#sum;
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      if (value < min) min = value;
      if (value > max) max = value;
      sum = (sum + value) & 0xffff;
    }
    this.min = min;
    this.max = max;
    this.#sum = sum;
  }

  get checksum(): number {
    return this.#sum >= 0x8000 ? this.#sum - 0x10000 : this.#sum;
  }
}

/** An in-memory record as a source (its samples are read in place, never copied). */
export function recordSource(record: ExportRecord): SampleSource {
  const channels = record.channels.map(({ samples, ...channel }): SourceChannel => {
    const stats = new ChannelStats();
    stats.add(samples);
    const { min, max, checksum } = stats;
    return { ...channel, length: samples.length, min, max, checksum };
  });
  return {
    name: record.name,
    startMs: record.startMs,
    channels,
    annotations: record.annotations,
    ...(record.patient ? { patient: record.patient } : {}),
    read: (index, from, count) => {
      const samples = record.channels[index]?.samples ?? new Int32Array(0);
      return samples.subarray(Math.min(from, samples.length), from + count);
    },
  };
}

/** A streamed file made whole, for writers' in-memory callers. */
export function collectFile(file: StreamedFile): ExportFile {
  const parts = [...file.pieces()];
  if (parts.every((part) => typeof part === 'string')) {
    return { name: file.name, contents: parts.join('') };
  }
  const encoder = new TextEncoder();
  const bytes = parts.map((part) => (typeof part === 'string' ? encoder.encode(part) : part));
  const contents = new Uint8Array(bytes.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of bytes) {
    contents.set(part, at);
    at += part.length;
  }
  return { name: file.name, contents };
}

/** Pieces of `pieceSize` over `total` items: [first, count] pairs. */
export function* pieceRanges(total: number, pieceSize: number): Generator<[number, number]> {
  const size = Math.max(1, Math.floor(pieceSize));
  for (let first = 0; first < total; first += size) yield [first, Math.min(size, total - first)];
}

export function pieceCountOf(total: number, pieceSize: number): number {
  return Math.ceil(total / Math.max(1, Math.floor(pieceSize)));
}
