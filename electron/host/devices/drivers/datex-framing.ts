// GE Datex-Ohmeda S/5 computer-interface framing (../shared/protocols/README.md §6):
// `7E | record | checksum | 7E`, checksum = sum of the unescaped record bytes mod 256, and inside
// the flags 7E is sent as `7D 5E`, 7D as `7D 5D` (the checksum byte is escaped too).

import type { DecoderStats } from '../driver';

export const DATEX_FLAG = 0x7e;
export const DATEX_ESCAPE = 0x7d;
const ESCAPE_XOR = 0x20;

/** Header bytes every record starts with; subrecord offsets count from here. */
export const DATEX_HEADER_BYTES = 40;
/**
 * Our cap on one record, not a device fact: a displayed-values reply with five subrecords is
 * 40 + 5 × 278 = 1430 bytes, so 4 KB leaves room while bounding memory on a noisy line.
 */
export const DATEX_MAX_RECORD_BYTES = 4096;

export function datexChecksum(record: Uint8Array): number {
  let sum = 0;
  for (const byte of record) sum = (sum + byte) & 0xff;
  return sum;
}

function pushEscaped(out: number[], byte: number): void {
  if (byte === DATEX_FLAG || byte === DATEX_ESCAPE) out.push(DATEX_ESCAPE, byte ^ ESCAPE_XOR);
  else out.push(byte);
}

/** Wraps one record for the wire: flag, escaped record and checksum, flag. */
export function encodeDatexFrame(record: Uint8Array): Uint8Array {
  const out: number[] = [DATEX_FLAG];
  for (const byte of record) pushEscaped(out, byte);
  pushEscaped(out, datexChecksum(record));
  out.push(DATEX_FLAG);
  return Uint8Array.from(out);
}

/**
 * Streaming unframer: any chunking, never throws, memory bounded by DATEX_MAX_RECORD_BYTES.
 * Every 7E both ends the frame being collected and starts the next one, so a stray 7E costs at
 * most one frame and back-to-back frames sharing a flag still decode. Bytes before the first
 * flag, and broken frames, count as skipped; a non-empty frame that fails its checks is bad.
 */
export class DatexFrameReader {
  readonly #stats: DecoderStats;
  /** Unescaped record + checksum collected so far (one spare byte for the checksum). */
  readonly #buffer = new Uint8Array(DATEX_MAX_RECORD_BYTES + 1);
  #length = 0;
  /** Wire bytes of the frame being collected, for the skipped count if it fails. */
  #wireBytes = 0;
  #inFrame = false;
  #escaped = false;

  constructor(stats: DecoderStats) {
    this.#stats = stats;
  }

  /** Bytes held for an unfinished frame (test seam for the memory bound). */
  get pendingBytes(): number {
    return this.#length;
  }

  /** Returns the records (checksum verified and removed) completed by this chunk. */
  push(chunk: Uint8Array): Uint8Array[] {
    const records: Uint8Array[] = [];
    for (const byte of chunk) {
      if (byte === DATEX_FLAG) {
        const record = this.#finishFrame();
        if (record) records.push(record);
        this.#inFrame = true;
        continue;
      }
      if (!this.#inFrame) {
        this.#stats.bytesSkipped++;
        continue;
      }
      this.#wireBytes++;
      if (this.#escaped) {
        this.#escaped = false;
        this.#append(byte ^ ESCAPE_XOR);
      } else if (byte === DATEX_ESCAPE) {
        this.#escaped = true;
      } else {
        this.#append(byte);
      }
    }
    return records;
  }

  #append(byte: number): void {
    if (this.#length < this.#buffer.length) {
      this.#buffer[this.#length++] = byte;
      return;
    }
    // Too long for any record we accept: drop it and wait for the next flag.
    this.#stats.framesBad++;
    this.#stats.bytesSkipped += this.#wireBytes;
    this.#reset();
    this.#inFrame = false;
  }

  #reset(): void {
    this.#length = 0;
    this.#wireBytes = 0;
    this.#escaped = false;
  }

  #finishFrame(): Uint8Array | null {
    const length = this.#length;
    const wireBytes = this.#wireBytes;
    const danglingEscape = this.#escaped;
    this.#reset();
    if (wireBytes === 0) return null; // 7E 7E: an end flag followed by a start flag
    const recordBytes = length - 1;
    const record = this.#buffer.slice(0, Math.max(0, recordBytes));
    const ok =
      !danglingEscape &&
      recordBytes >= DATEX_HEADER_BYTES &&
      this.#buffer[recordBytes] === datexChecksum(record);
    if (ok) return record;
    this.#stats.framesBad++;
    this.#stats.bytesSkipped += wireBytes;
    return null;
  }
}
