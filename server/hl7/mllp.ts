// MLLP, HL7's framing over TCP: <VT> message <FS><CR>. The decoder reads frames out of a byte
// stream of any chunking, skips bytes between frames, and refuses a frame larger than its limit
// without buffering past it (it says so once, then skips to the frame's end).

export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

/** A message framed for the wire (UTF-8). */
export function frame(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(body.length + 3);
  out[0] = VT;
  body.copy(out, 1);
  out[body.length + 1] = FS;
  out[body.length + 2] = CR;
  return out;
}

/** How much of a frame too large to keep is passed on with the oversize event. */
export const OVERSIZE_HEAD_BYTES = 1024;

export interface MllpDecoderEvents {
  /** A whole frame's text. */
  message(text: string): void;
  /**
   * A frame was larger than the limit; its bytes were dropped. `head` is the start of its text
   * (up to OVERSIZE_HEAD_BYTES), enough for the MSH a refusal names.
   */
  oversize(bytesSoFar: number, head: string): void;
}

export class MllpDecoder {
  private inFrame = false;
  private skipping = false;
  private chunks: Buffer[] = [];
  private size = 0;
  private sawFs = false;
  /** Bytes seen outside any frame (noise, a wrong client). */
  outsideBytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly on: MllpDecoderEvents,
  ) {}

  /** Bytes of a frame begun and not yet ended (0 between frames): a cut-off message. */
  get pendingBytes(): number {
    return this.inFrame ? this.size : 0;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (!this.inFrame) {
        if (byte === VT) {
          this.inFrame = true;
          this.skipping = false;
          this.chunks = [];
          this.size = 0;
          this.sawFs = false;
          start = i + 1;
        } else this.outsideBytes += 1;
        continue;
      }
      if (this.sawFs) {
        this.sawFs = false;
        if (byte === CR) {
          // The frame ends at the FS before this CR.
          this.take(chunk, start, i - 1);
          this.finish();
          continue;
        }
        // An FS inside the data: it was data after all.
      }
      if (byte === FS) this.sawFs = true;
      else if (byte === VT && !this.skipping) {
        // A new frame begins before the last ended: the last was cut off; read the new one.
        this.chunks = [];
        this.size = 0;
        start = i + 1;
      }
    }
    if (this.inFrame) {
      // Keep what is in this chunk for the frame (an FS at its very end is kept too: the CR that
      // would end the frame is in the next chunk, and take() drops it then).
      this.take(chunk, start, chunk.length);
    }
  }

  private take(chunk: Buffer, from: number, to: number): void {
    if (this.skipping || to <= from) return;
    this.size += to - from;
    if (this.size > this.maxBytes) {
      this.skipping = true;
      const seen = this.size;
      const head = this.head([...this.chunks, chunk.subarray(from, to)]);
      this.chunks = [];
      this.on.oversize(seen, head);
      return;
    }
    this.chunks.push(chunk.subarray(from, to));
  }

  private head(parts: Buffer[]): string {
    const kept: Buffer[] = [];
    let size = 0;
    for (const part of parts) {
      if (size >= OVERSIZE_HEAD_BYTES) break;
      kept.push(part.subarray(0, OVERSIZE_HEAD_BYTES - size));
      size += kept.at(-1)!.length;
    }
    return Buffer.concat(kept).toString('utf8');
  }

  private finish(): void {
    this.inFrame = false;
    if (this.skipping) {
      this.skipping = false;
      this.chunks = [];
      return;
    }
    let body = Buffer.concat(this.chunks, this.size);
    // An FS kept at the end of an earlier chunk belongs to the trailer, not the message.
    if (body.length > 0 && body[body.length - 1] === FS) body = body.subarray(0, body.length - 1);
    this.chunks = [];
    this.size = 0;
    this.on.message(body.toString('utf8'));
  }
}
