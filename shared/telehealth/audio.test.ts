// The viewer's auscultation messages: one frame (version 1) or a batch of one capture's frames
// (version 2) decode to what was sent; anything cut short, padded or malformed is refused.
import { describe, expect, it } from 'vitest';
import {
  bytesToBase64,
  consecutiveRuns,
  decodeViewerAudioMessage,
  encodeViewerAudio,
  encodeViewerAudioBatch,
  type AuscultationFrame,
} from './audio';

const frame = (seq: number, bytes: number[], sampleRateHz = 48_000): AuscultationFrame => ({
  seq,
  atMs: 1_800_000_000_000 + seq * 20,
  codec: 'opus',
  sampleRateHz,
  channels: 1,
  durationUs: 20_000,
  data: bytesToBase64(new Uint8Array(bytes)),
});

describe('auscultation messages to the viewer', () => {
  it('a batch decodes to its frames, in order, with their own times and bytes', () => {
    const frames = [frame(7, [1, 2, 3]), frame(8, [4]), frame(9, [5, 6, 7, 8, 9])];
    const message = encodeViewerAudioBatch(frames);
    expect(message[0]).toBe(2);
    const heard = decodeViewerAudioMessage(message);
    expect(heard.map((f) => [f.seq, f.atMs, [...f.bytes]])).toEqual([
      [7, frames[0]!.atMs, [1, 2, 3]],
      [8, frames[1]!.atMs, [4]],
      [9, frames[2]!.atMs, [5, 6, 7, 8, 9]],
    ]);
    // Smaller than the frames one by one.
    const single = frames.reduce((n, f) => n + encodeViewerAudio(f).length, 0);
    expect(message.length).toBeLessThan(single);
  });

  it('one frame goes as version 1, and version 1 still decodes', () => {
    const message = encodeViewerAudioBatch([frame(1, [9, 9])]);
    expect(message[0]).toBe(1);
    expect(decodeViewerAudioMessage(message)).toEqual([
      expect.objectContaining({ seq: 1, bytes: new Uint8Array([9, 9]) }),
    ]);
  });

  it('refuses a batch cut short, with bytes left over, or with a header that lies', () => {
    const message = encodeViewerAudioBatch([frame(1, [1, 2]), frame(2, [3, 4])]);
    expect(() => decodeViewerAudioMessage(message.slice(0, -1))).toThrow(/cut short/);
    const padded = new Uint8Array(message.length + 1);
    padded.set(message);
    expect(() => decodeViewerAudioMessage(padded)).toThrow(/left over/);
    const lying = new Uint8Array(message);
    new DataView(lying.buffer).setUint32(1, 10_000);
    expect(() => decodeViewerAudioMessage(lying)).toThrow(/cut short/);
    expect(() => decodeViewerAudioMessage(new Uint8Array([2, 0]))).toThrow();
    expect(() => decodeViewerAudioMessage(new Uint8Array([9, 0, 0, 0, 0]))).toThrow();
  });
  it('batches only frames of one rate, in order', () => {
    const runs = consecutiveRuns([
      frame(1, [1]),
      frame(2, [1]),
      frame(3, [1], 16_000),
      frame(1, [1], 16_000), // a new capture starts again
    ]);
    expect(runs.map((run) => run.map((f) => f.seq))).toEqual([[1, 2], [3], [1]]);
  });
});
