// Batches the store worker could not write for want of space, held in memory and sent again,
// oldest first, once there is room. Bounded: past `maxBytes`, waveforms go first, oldest first
// (numerics and the alarm log are small and worth the most); only then whole batches.
import { deserializeBatch, serializeBatch, type PreparedBatch } from './prepared-batch';

export class HeldWrites {
  readonly #maxBytes: number;
  readonly #payloads: Uint8Array[] = [];
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get isEmpty(): boolean {
    return this.#payloads.length === 0;
  }

  get count(): number {
    return this.#payloads.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Holds a batch; returns what had to be dropped to stay within the bound, in words. */
  hold(payload: Uint8Array): string[] {
    this.#payloads.push(payload);
    this.#bytes += payload.byteLength;
    const dropped: string[] = [];
    for (let i = 0; i < this.#payloads.length && this.#bytes > this.#maxBytes; i += 1) {
      const batch = deserializeBatch(this.#payloads[i]!);
      if (batch.chunks.length === 0) continue;
      const kept = serializeBatch({ ...batch, chunks: [] });
      this.#bytes += kept.byteLength - this.#payloads[i]!.byteLength;
      this.#payloads[i] = kept;
      dropped.push(describeSamples(batch));
    }
    while (this.#bytes > this.#maxBytes && this.#payloads.length > 1) {
      const oldest = this.#payloads.shift()!;
      this.#bytes -= oldest.byteLength;
      dropped.push(describeRows(deserializeBatch(oldest)));
    }
    return dropped;
  }

  /** The oldest batch, taken out to be sent; put it back with `putBack` if it comes back. */
  takeOldest(): Uint8Array | undefined {
    const oldest = this.#payloads.shift();
    if (oldest) this.#bytes -= oldest.byteLength;
    return oldest;
  }

  putBack(payload: Uint8Array): void {
    this.#payloads.unshift(payload);
    this.#bytes += payload.byteLength;
  }

  /** Everything still held, in words, emptying the hold (the store is closing). */
  abandon(): string[] {
    const all = this.#payloads.splice(0).map((payload) => describeRows(deserializeBatch(payload)));
    this.#bytes = 0;
    return all;
  }
}

function isoTime(ms: number): string {
  const at = new Date(ms);
  return Number.isNaN(at.getTime()) ? String(ms) : at.toISOString();
}

function describeSamples(batch: PreparedBatch): string {
  const samples = batch.chunks.reduce((sum, chunk) => sum + chunk.sampleCount, 0);
  const beds = [...new Set(batch.chunks.map((chunk) => chunk.bedId))];
  const firstMs = Math.min(...batch.chunks.map((chunk) => chunk.t0Ms));
  return `${samples} samples of ${beds.length} beds (${beds.slice(0, 4).join(', ')}${beds.length > 4 ? ', …' : ''}) from ${isoTime(firstMs)}`;
}

function describeRows(batch: PreparedBatch): string {
  const parts = batch.chunks.length > 0 ? [describeSamples(batch)] : [];
  if (batch.numerics.length > 0) parts.push(`${batch.numerics.length} numerics`);
  if (batch.alarmEvents.length > 0) parts.push(`${batch.alarmEvents.length} alarm-log entries`);
  return parts.join(', ') || 'an empty batch';
}
