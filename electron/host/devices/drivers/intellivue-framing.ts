// Philips IntelliVue MIB/RS-232 framing (../shared/protocols/README.md §5):
// `C0 | 11 01 LEN_hi LEN_lo | user data | FCS_lo FCS_hi | C1`, PPP FCS-16 over header + user data,
// C0/C1/7D inside the frame sent as `7D, b ^ 0x20`. Pure: bytes in, user-data payloads out.

import type { DecoderStats } from '../driver';

export const INTELLIVUE_BOF = 0xc0;
export const INTELLIVUE_EOF = 0xc1;
export const INTELLIVUE_ESCAPE = 0x7d;
const ESCAPE_XOR = 0x20;
const PROTOCOL_ID = 0x11;
const MESSAGE_TYPE = 0x01;
const HEADER_BYTES = 4;
const FCS_BYTES = 2;
/** Larger unescaped frames are treated as broken: a poll reply is far smaller than this. */
export const INTELLIVUE_MAX_FRAME_BYTES = 16 * 1024;

const FCS_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let v = byte;
    for (let i = 0; i < 8; i++) v = v & 1 ? (v >>> 1) ^ 0x8408 : v >>> 1;
    table[byte] = v;
  }
  return table;
})();

/** PPP FCS-16 (RFC 1662): reflected CCITT 0x8408, init 0xFFFF, ones-complemented. */
export function intellivueFcs16(bytes: Uint8Array): number {
  let fcs = 0xffff;
  for (const byte of bytes) fcs = (fcs >>> 8) ^ (FCS_TABLE[(fcs ^ byte) & 0xff] ?? 0);
  return ~fcs & 0xffff;
}

const needsEscape = (byte: number): boolean =>
  byte === INTELLIVUE_BOF || byte === INTELLIVUE_EOF || byte === INTELLIVUE_ESCAPE;

/** Wraps one user-data message (an association or data-export PDU) in a complete serial frame. */
export function encodeIntellivueFrame(userData: Uint8Array): Uint8Array {
  const body = new Uint8Array(HEADER_BYTES + userData.length + FCS_BYTES);
  body[0] = PROTOCOL_ID;
  body[1] = MESSAGE_TYPE;
  body[2] = (userData.length >> 8) & 0xff;
  body[3] = userData.length & 0xff;
  body.set(userData, HEADER_BYTES);
  const fcs = intellivueFcs16(body.subarray(0, HEADER_BYTES + userData.length));
  body[HEADER_BYTES + userData.length] = fcs & 0xff;
  body[HEADER_BYTES + userData.length + 1] = fcs >> 8;
  const out: number[] = [INTELLIVUE_BOF];
  for (const byte of body) {
    if (needsEscape(byte)) out.push(INTELLIVUE_ESCAPE, byte ^ ESCAPE_XOR);
    else out.push(byte);
  }
  out.push(INTELLIVUE_EOF);
  return Uint8Array.from(out);
}

/**
 * Streaming deframer: any chunking, resyncs on the next C0, never throws. A frame is counted bad
 * when its FCS, header or length is wrong, it is cut short by a new C0, or it grows past the cap.
 * Memory is bounded by INTELLIVUE_MAX_FRAME_BYTES.
 */
export class IntellivueDeframer {
  readonly stats: DecoderStats = { framesOk: 0, framesBad: 0, bytesSkipped: 0 };
  /** Unescaped bytes of the frame being read (header onward); null while outside a frame. */
  #frame: number[] | null = null;
  #escaped = false;
  #rawLength = 0;

  /** Unescaped bytes of the unfinished frame (never more than INTELLIVUE_MAX_FRAME_BYTES). */
  get pendingBytes(): number {
    return this.#frame?.length ?? 0;
  }

  /** Returns the user data of every complete, valid frame in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    const messages: Uint8Array[] = [];
    for (const byte of chunk) {
      if (byte === INTELLIVUE_BOF) {
        if (this.#frame !== null) this.#dropFrame();
        this.#frame = [];
        this.#escaped = false;
        this.#rawLength = 1;
        continue;
      }
      if (this.#frame === null) {
        this.stats.bytesSkipped++;
        continue;
      }
      this.#rawLength++;
      if (byte === INTELLIVUE_EOF) {
        const message = this.#escaped ? null : this.#check(this.#frame);
        if (message) {
          this.stats.framesOk++;
          messages.push(message);
        } else {
          this.#dropFrame();
        }
        this.#frame = null;
        continue;
      }
      if (this.#escaped) {
        this.#frame.push(byte ^ ESCAPE_XOR);
        this.#escaped = false;
      } else if (byte === INTELLIVUE_ESCAPE) {
        this.#escaped = true;
      } else {
        this.#frame.push(byte);
      }
      if (this.#frame.length > INTELLIVUE_MAX_FRAME_BYTES) {
        this.#dropFrame();
        this.#frame = null;
      }
    }
    return messages;
  }

  #dropFrame(): void {
    this.stats.framesBad++;
    this.stats.bytesSkipped += this.#rawLength;
    this.#frame = null;
    this.#rawLength = 0;
  }

  #check(frame: number[]): Uint8Array | null {
    if (frame.length < HEADER_BYTES + FCS_BYTES) return null;
    if (frame[0] !== PROTOCOL_ID || frame[1] !== MESSAGE_TYPE) return null;
    const length = ((frame[2] ?? 0) << 8) | (frame[3] ?? 0);
    if (length !== frame.length - HEADER_BYTES - FCS_BYTES) return null;
    const bytes = Uint8Array.from(frame);
    const fcs =
      (bytes[HEADER_BYTES + length] ?? 0) | ((bytes[HEADER_BYTES + length + 1] ?? 0) << 8);
    if (intellivueFcs16(bytes.subarray(0, HEADER_BYTES + length)) !== fcs) return null;
    return bytes.slice(HEADER_BYTES, HEADER_BYTES + length);
  }
}
