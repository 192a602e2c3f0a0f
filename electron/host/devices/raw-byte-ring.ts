// A fixed-size ring of the most recent bytes from a device: bounded memory however long the
// session runs, and the last megabyte is always there to re-decode or attach to a bug report.

export class RawByteRing {
  private readonly buffer: Uint8Array;
  private written = 0;

  constructor(readonly capacity: number) {
    this.buffer = new Uint8Array(capacity);
  }

  append(bytes: Uint8Array): void {
    const tail =
      bytes.length > this.capacity ? bytes.subarray(bytes.length - this.capacity) : bytes;
    // Bytes cut from the front of an oversized chunk still advance the position.
    const start = (this.written + bytes.length - tail.length) % this.capacity;
    const first = Math.min(tail.length, this.capacity - start);
    this.buffer.set(tail.subarray(0, first), start);
    this.buffer.set(tail.subarray(first), 0);
    this.written += bytes.length;
  }

  /** How many bytes were ever appended: a mark to read what arrives after it (`since`). */
  get position(): number {
    return this.written;
  }

  /** The bytes appended after `position`, oldest first; `lost` counts those already overwritten. */
  since(position: number): { bytes: Uint8Array; lost: number } {
    const wanted = Math.max(0, this.written - position);
    const kept = Math.min(wanted, this.capacity);
    const all = this.snapshot();
    return { bytes: all.slice(all.length - kept), lost: wanted - kept };
  }

  /** The bytes kept, oldest first. */
  snapshot(): Uint8Array {
    if (this.written <= this.capacity) return this.buffer.slice(0, this.written);
    const start = this.written % this.capacity;
    const out = new Uint8Array(this.capacity);
    out.set(this.buffer.subarray(start), 0);
    out.set(this.buffer.subarray(0, start), this.capacity - start);
    return out;
  }
}
