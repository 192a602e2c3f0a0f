// The viewer's audio socket batches a turn's frames by run: one rate, in order.
import { describe, expect, it } from 'vitest';
import { bytesToBase64, type AuscultationFrame } from '../../shared/telehealth/audio';
import { consecutiveRuns } from './viewer-sockets';

const frame = (seq: number, bytes: number[], sampleRateHz = 48_000): AuscultationFrame => ({
  seq,
  atMs: 1_800_000_000_000 + seq * 20,
  codec: 'opus',
  sampleRateHz,
  channels: 1,
  durationUs: 20_000,
  data: bytesToBase64(new Uint8Array(bytes)),
});

describe('auscultation batches', () => {
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
