// Shared by the driver tests: a seeded PRNG so every fuzz failure reproduces from its seed, random
// bytes from it, and random chunking. Test-only; nothing in the product imports this folder.
import type { DecodedFrame, FrameDecoder } from '../driver';

/** mulberry32: tiny, fast, good enough to shake a decoder. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(random: () => number, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

/** Feeds `bytes` in chunks of random size (mostly up to `smallChunkMax`, sometimes up to 4 KiB). */
export function pushInChunks(
  decoder: FrameDecoder,
  bytes: Uint8Array,
  random: () => number,
  afterEach: () => void = () => {},
  smallChunkMax = 64,
): DecodedFrame[] {
  const frames: DecodedFrame[] = [];
  let at = 0;
  while (at < bytes.length) {
    const size =
      random() < 0.9 ? 1 + Math.floor(random() * smallChunkMax) : 1 + Math.floor(random() * 4096);
    frames.push(...decoder.push(bytes.subarray(at, at + size)));
    at += size;
    afterEach();
  }
  return frames;
}
