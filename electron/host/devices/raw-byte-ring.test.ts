import { describe, expect, it } from 'vitest';
import { RawByteRing } from './raw-byte-ring';

describe('RawByteRing', () => {
  it('keeps everything until full, then the most recent bytes in order', () => {
    const ring = new RawByteRing(8);
    ring.append(Uint8Array.from([1, 2, 3]));
    expect([...ring.snapshot()]).toEqual([1, 2, 3]);
    ring.append(Uint8Array.from([4, 5, 6, 7, 8, 9, 10]));
    expect([...ring.snapshot()]).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    ring.append(Uint8Array.from([11]));
    expect([...ring.snapshot()]).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('takes a chunk larger than itself and keeps its tail', () => {
    const ring = new RawByteRing(4);
    ring.append(Uint8Array.from([9]));
    ring.append(Uint8Array.from([1, 2, 3, 4, 5, 6]));
    expect([...ring.snapshot()]).toEqual([3, 4, 5, 6]);
  });

  it('matches a plain reference for random chunkings', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const ring = new RawByteRing(100);
    const all: number[] = [];
    for (let i = 0; i < 500; i++) {
      const chunk = Array.from({ length: Math.floor(random() * 150) }, () =>
        Math.floor(random() * 256),
      );
      all.push(...chunk);
      ring.append(Uint8Array.from(chunk));
      expect([...ring.snapshot()]).toEqual(all.slice(-100));
    }
  });

  it('gives the bytes after a mark, and counts those already overwritten', () => {
    const ring = new RawByteRing(4);
    ring.append(Uint8Array.from([1, 2]));
    const mark = ring.position;
    expect(ring.since(mark)).toEqual({ bytes: new Uint8Array(), lost: 0 });
    ring.append(Uint8Array.from([3]));
    expect(ring.since(mark)).toEqual({ bytes: Uint8Array.from([3]), lost: 0 });
    ring.append(Uint8Array.from([4, 5, 6, 7, 8]));
    expect(ring.since(mark)).toEqual({ bytes: Uint8Array.from([5, 6, 7, 8]), lost: 2 });
  });
});
