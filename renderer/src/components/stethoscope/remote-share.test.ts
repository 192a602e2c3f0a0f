// The bedside share's pure parts: 20 ms frames gathered into requests of about 100 ms (never more
// than the contract allows), and an encoded chunk made into the contract's frame.
import { describe, expect, it } from 'vitest';
import { AuscultationFrame, MAX_AUDIO_FRAME_BYTES } from '../../../../shared/telehealth/audio';
import { FrameBatcher, frameOfChunk } from './remote-share';

const chunk = (n: number) => new Uint8Array(n).fill(0xab);

describe('remote share', () => {
  it('batches 20 ms frames five at a time, and flushes what is left', () => {
    const batcher = new FrameBatcher();
    const out: number[][] = [];
    for (let seq = 0; seq < 12; seq++) {
      const frame = frameOfChunk(chunk(80), seq, 1_700_000_000_000, seq * 20_000, 20_000, 48_000)!;
      const batch = batcher.push(frame);
      if (batch) out.push(batch.map((f) => f.seq));
    }
    expect(out).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
    ]);
    expect(batcher.flush()?.map((f) => f.seq)).toEqual([10, 11]);
    expect(batcher.flush()).toBeNull();
  });

  it('never puts more frames in a request than the contract takes', () => {
    const batcher = new FrameBatcher(10_000_000, 50);
    let batch: AuscultationFrame[] | null = null;
    for (let seq = 0; seq < 50 && !batch; seq++)
      batch = batcher.push(frameOfChunk(chunk(4), seq, 0, seq * 2_500, 2_500, 8_000)!);
    expect(batch).toHaveLength(50);
  });

  it('makes frames the contract accepts, and drops a chunk too large for it', () => {
    const frame = frameOfChunk(chunk(120), 7, 1_700_000_000_000, 140_000, 20_000, 48_000);
    expect(AuscultationFrame.parse(frame)).toEqual({
      seq: 7,
      atMs: 1_700_000_000_140,
      codec: 'opus',
      sampleRateHz: 48_000,
      channels: 1,
      durationUs: 20_000,
      data: Buffer.from(chunk(120)).toString('base64'),
    });
    expect(frameOfChunk(chunk(MAX_AUDIO_FRAME_BYTES + 1), 8, 0, 0, 20_000, 48_000)).toBeNull();
    expect(frameOfChunk(chunk(0), 8, 0, 0, 20_000, 48_000)).toBeNull();
    expect(
      AuscultationFrame.safeParse(
        frameOfChunk(chunk(MAX_AUDIO_FRAME_BYTES), 9, 0, 0, 20_000, 48_000),
      ).success,
    ).toBe(true);
  });
});
