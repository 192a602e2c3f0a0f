// The start of a frame that a read ended in, held for the next read. A read may end anywhere, and
// the caller may reuse its buffer (serialport pools them), so what is held is a copy.

export class HeldBytes {
  #held: Uint8Array = new Uint8Array(0);

  /** How many bytes are held: what bounds a decoder's memory. */
  get length(): number {
    return this.#held.length;
  }

  /** The held bytes followed by a new read. */
  before(chunk: Uint8Array): Uint8Array {
    if (this.#held.length === 0) return chunk;
    const joined = new Uint8Array(this.#held.length + chunk.length);
    joined.set(this.#held);
    joined.set(chunk, this.#held.length);
    return joined;
  }

  /** Holds `bytes` from `at` on for the next read. */
  keep(bytes: Uint8Array, at: number): void {
    this.#held = new Uint8Array(bytes.subarray(at));
  }
}
