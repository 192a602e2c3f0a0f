// The remote player's jitter buffer: about 120 ms ahead, gaps closed by starting again, a frame
// later than 1 s dropped, a backlog after a stall skipped so the sound never stays behind.
import { describe, expect, it } from 'vitest';
import { JitterBuffer, MAX_BEHIND_MS, TARGET_BUFFER_MS } from './audio-player';

const FRAME_US = 20_000;
const frame = (seq: number, atMs = 1_000_000 + seq * 20) => ({ seq, atMs, durationUs: FRAME_US });

describe('jitter buffer', () => {
  it('plays frames back to back, starting a target ahead', () => {
    const jitter = new JitterBuffer();
    const decisions = [0, 1, 2].map((seq) =>
      jitter.offer(frame(seq), 10 + seq * 0.02, 1_000_050 + seq * 20),
    );
    expect(decisions.map((d) => d.play && d.atS)).toEqual(
      [10.12, 10.14, 10.16].map((t) => expect.closeTo(t, 6)),
    );
    // Behind: the link's 50 ms plus what is queued ahead.
    expect(decisions[0]).toMatchObject({
      play: true,
      behindMs: expect.closeTo(50 + TARGET_BUFFER_MS, 6),
    });
  });

  it('drops a duplicate or a frame older than the last, but takes a new capture at seq 0', () => {
    const jitter = new JitterBuffer();
    expect(jitter.offer(frame(5), 0, 1_000_150).play).toBe(true);
    expect(jitter.offer(frame(5), 0.01, 1_000_160)).toEqual({ play: false, reason: 'old' });
    expect(jitter.offer(frame(3), 0.01, 1_000_160)).toEqual({ play: false, reason: 'old' });
    expect(jitter.offer(frame(0, 1_000_500), 0.4, 1_000_520).play).toBe(true);
  });

  it('drops what arrives more than a second late, against the link’s own transit', () => {
    // The workstation's clock is 5 s off this one's: that alone never silences the sound.
    const jitter = new JitterBuffer();
    const skew = 5_000;
    expect(jitter.offer(frame(0), 0, 1_000_000 + skew + 40).play).toBe(true);
    expect(jitter.offer(frame(1), 0.02, 1_000_020 + skew + 40).play).toBe(true);
    // Frame 2 comes 1.2 s late: dropped.
    expect(jitter.offer(frame(2), 1.24, 1_000_040 + skew + 40 + 1_200)).toEqual({
      play: false,
      reason: 'late',
    });
    // One late by less than the bound is still played, from a fresh start.
    const d = jitter.offer(frame(3), 1.3, 1_000_060 + skew + 40 + 500);
    expect(d).toMatchObject({ play: true, atS: expect.closeTo(1.3 + TARGET_BUFFER_MS / 1000, 6) });
  });

  it('after a stall, skips the burst beyond the target and stays under a second behind', () => {
    const jitter = new JitterBuffer();
    let nowS = 0;
    let wallMs = 1_000_030;
    for (let seq = 0; seq < 10; seq++) {
      jitter.offer(frame(seq), nowS, wallMs);
      nowS += 0.02;
      wallMs += 20;
    }
    // 700 ms with nothing, then those 35 frames at once.
    nowS += 0.7;
    wallMs += 700;
    const burst = Array.from({ length: 35 }, (_, i) => jitter.offer(frame(10 + i), nowS, wallMs));
    const played = burst.filter((d) => d.play);
    const skipped = burst.filter((d) => !d.play);
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.every((d) => !d.play && d.reason === 'skip')).toBe(true);
    // What is queued never exceeds the target plus the skip margin.
    for (const d of played) if (d.play) expect(d.atS - nowS).toBeLessThanOrEqual(0.271);
    for (const d of played) if (d.play) expect(d.behindMs).toBeLessThan(MAX_BEHIND_MS);
  });
});

describe('jitter buffer drain', () => {
  it('skips a frame a second while the queue stays deeper than the target', () => {
    const jitter = new JitterBuffer();
    let nowS = 0;
    let wallMs = 1_000_030;
    // Two frames at once every 20 ms for a while: the queue deepens, then holds steady.
    const decisions = [];
    for (let seq = 0; seq < 300; seq += 1) {
      decisions.push(jitter.offer(frame(seq), nowS, wallMs));
      if (seq === 5) continue; // an early burst: frames 5 and 6 at once
      nowS += 0.02;
      wallMs += 20;
    }
    const skips = decisions.filter((d) => !d.play).length;
    expect(skips).toBeGreaterThanOrEqual(1);
    const last = decisions.filter((d) => d.play).at(-1)!;
    // Back to no deeper than the target (plus a frame).
    expect(last.play && last.atS - nowS + 0.02).toBeLessThanOrEqual(
      TARGET_BUFFER_MS / 1000 + 0.021,
    );
  });
});
