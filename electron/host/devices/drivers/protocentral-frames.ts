// The frame scanner shared by the ProtoCentral HealthyPi boards (v4 and 5):
// `0A FA | len_lo len_hi | type | payload(len) | 00 0B`, no checksum (../shared/protocols §2).
// Each board says which types it sends, with each type's one payload length, and how to read them.
import type { DecodedFrame, DecoderStats, FrameDecoder } from '../driver';
import { HeldBytes } from './held-bytes';

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

export class ProtocentralFrameDecoder implements FrameDecoder {
  readonly #stats: DecoderStats = { framesOk: 0, framesBad: 0, bytesSkipped: 0 };
  readonly #held = new HeldBytes();

  constructor(private readonly layout: ProtocentralLayout) {}

  get stats(): Readonly<DecoderStats> {
    return this.#stats;
  }

  get pendingBytes(): number {
    return this.#held.length;
  }

  push(chunk: Uint8Array): DecodedFrame[] {
    const bytes = this.#held.before(chunk);
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
    this.#held.keep(bytes, at);
    return frames;
  }

  // Resume right after the bad frame's 0A so a real frame hidden inside it is still found.
  #rejectFrameAt(at: number): number {
    this.#stats.framesBad++;
    this.#stats.bytesSkipped++;
    return at + 1;
  }
}
