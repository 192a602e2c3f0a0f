// Bit-level writing and reading, most significant bit first, for the chunk codec. Values wider
// than 24 bits go in two parts, so JS's 32-bit bit operations never overflow.

const TWO_24 = 2 ** 24;

export class BitWriter {
  bytes: Uint8Array;
  at: number;
  private acc = 0;
  private pending = 0; // bits in acc, always < 8 between writes

  constructor(capacity: number, start: number) {
    this.bytes = new Uint8Array(capacity);
    this.at = start;
  }

  /** n ≤ 24 bits, value < 2^n. */
  write(value: number, n: number): void {
    this.acc = (this.acc << n) | value;
    this.pending += n;
    while (this.pending >= 8) {
      this.pending -= 8;
      this.bytes[this.at++] = this.acc >>> this.pending;
    }
    this.acc &= (1 << this.pending) - 1;
  }

  /** n ≤ 48 bits, 0 ≤ value < 2^n, any JS integer. */
  writeWide(value: number, n: number): void {
    if (n <= 24) this.write(value, n);
    else {
      this.write(Math.floor(value / TWO_24), n - 24);
      this.write(value % TWO_24, 24);
    }
  }

  flush(): void {
    if (this.pending > 0) this.write(0, 8 - this.pending);
  }
}

export class BitReader {
  pos = 0;
  /** The payload followed by 8 zero bytes, so peeks near the end stay in bounds. */
  constructor(
    private readonly bytes: Uint8Array,
    readonly endBit: number,
  ) {}

  /** The next 32 bits, of which at least 25 are real. */
  peek(): number {
    const b = this.bytes;
    const i = this.pos >>> 3;
    return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) << (this.pos & 7);
  }

  /** n ≤ 24 bits. */
  read(n: number): number {
    if (n === 0) return 0;
    const value = this.peek() >>> (32 - n);
    this.pos += n;
    return value;
  }

  readWide(n: number): number {
    return n <= 24 ? this.read(n) : this.read(n - 24) * TWO_24 + this.read(24);
  }
}
