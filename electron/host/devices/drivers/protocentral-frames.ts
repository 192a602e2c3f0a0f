// The frame scanner shared by the ProtoCentral HealthyPi boards (v4 and 5):
// `0A FA | len_lo len_hi | type | payload(len) | 00 0B`, no checksum (../shared/protocols §2).
// Each board says which types it sends, with each type's one payload length, and how to read them.
import type { DecodedFrame, DecoderStats, FrameDecoder } from '../driver';

const SYNC_FIRST = 0x0a;
const SYNC_SECOND = 0xfa;
const FOOTER_FIRST = 0x00;
const FOOTER_SECOND = 0x0b;
export const PROTOCENTRAL_HEADER_BYTES = 5;
export const PROTOCENTRAL_FOOTER_BYTES = 2;

export interface ProtocentralLayout {
  /** The one payload length each frame type carries; any other length marks a broken frame. */
  payloadBytesByType: ReadonlyMap<number, number>;
  /** Reads a payload that starts at `at` in `view`. */
  decode(type: number, view: DataView, at: number): DecodedFrame;
}

/** Index of the next `0A FA` (or of a final lone `0A` that may start one), else bytes.length. */
function findSync(bytes: Uint8Array, from: number): number {
  let at = bytes.indexOf(SYNC_FIRST, from);
  while (at !== -1) {
    if (at + 1 === bytes.length || bytes[at + 1] === SYNC_SECOND) return at;
    at = bytes.indexOf(SYNC_FIRST, at + 1);
  }
  return bytes.length;
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const joined = new Uint8Array(head.length + tail.length);
  joined.set(head);
  joined.set(tail, head.length);
  return joined;
}

let readPendingBytes: (decoder: ProtocentralFrameDecoder) => number;

export class ProtocentralFrameDecoder implements FrameDecoder {
  readonly #stats: DecoderStats = { framesOk: 0, framesBad: 0, bytesSkipped: 0 };
  /** Start of a frame still waiting for its remaining bytes; shorter than one frame. */
  #pending: Uint8Array = new Uint8Array(0);

  static {
    readPendingBytes = (decoder) => decoder.#pending.length;
  }

  constructor(private readonly layout: ProtocentralLayout) {}

  get stats(): Readonly<DecoderStats> {
    return this.#stats;
  }

  push(chunk: Uint8Array): DecodedFrame[] {
    const bytes = this.#pending.length === 0 ? chunk : concat(this.#pending, chunk);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const frames: DecodedFrame[] = [];
    let at = 0;
    while (at < bytes.length) {
      const sync = findSync(bytes, at);
      this.#stats.bytesSkipped += sync - at;
      at = sync;
      const available = bytes.length - at;
      if (available < PROTOCENTRAL_HEADER_BYTES) break;
      const type = view.getUint8(at + 4);
      const payloadBytes = view.getUint16(at + 2, true);
      if (this.layout.payloadBytesByType.get(type) !== payloadBytes) {
        at = this.#rejectFrameAt(at);
        continue;
      }
      const frameBytes = PROTOCENTRAL_HEADER_BYTES + payloadBytes + PROTOCENTRAL_FOOTER_BYTES;
      if (available < frameBytes) break;
      const footerAt = at + PROTOCENTRAL_HEADER_BYTES + payloadBytes;
      if (bytes[footerAt] !== FOOTER_FIRST || bytes[footerAt + 1] !== FOOTER_SECOND) {
        at = this.#rejectFrameAt(at);
        continue;
      }
      frames.push(this.layout.decode(type, view, at + PROTOCENTRAL_HEADER_BYTES));
      this.#stats.framesOk++;
      at += frameBytes;
    }
    // Copy: the caller may reuse its chunk buffer (serialport pools them).
    this.#pending = new Uint8Array(bytes.subarray(at));
    return frames;
  }

  // Resume right after the bad frame's 0A so a real frame hidden inside it is still found.
  #rejectFrameAt(at: number): number {
    this.#stats.framesBad++;
    this.#stats.bytesSkipped++;
    return at + 1;
  }
}

/** Test seam: bytes a HealthyPi decoder holds back (always fewer than one max-size frame). */
export function pendingBytes(decoder: FrameDecoder): number {
  return decoder instanceof ProtocentralFrameDecoder ? readPendingBytes(decoder) : 0;
}
