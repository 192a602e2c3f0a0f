import { describe, expect, it } from 'vitest';
import type { DecodedFrame, FrameDecoder } from '../driver';
import {
  FLAG_SAMPLES_LOST,
  OPENBCI_FRAME_BYTES,
  OPENBCI_UV_PER_COUNT,
  openbciCyton,
  pendingBytes,
} from './openbci';
import { mulberry32, randomBytes, pushInChunks } from '../testing/fuzz';
import { hex, join } from '../testing/bytes';

// Worked example from ../shared/protocols/README.md §8.
const WORKED_EXAMPLE = hex(
  'A0 2A 00 03 E8 FF FC 18 00 00 00 7F FF FF 80 00 00 00 00 2C FF FF D4 01 E2 40 00 00 00 00 20 00 C0',
);
const WORKED_EXAMPLE_DECODED: DecodedFrame = {
  samples: {
    OPENBCI_CH1: [1000],
    OPENBCI_CH2: [-1000],
    OPENBCI_CH3: [0],
    OPENBCI_CH4: [8388607],
    OPENBCI_CH5: [-8388608],
    OPENBCI_CH6: [44],
    OPENBCI_CH7: [-44],
    OPENBCI_CH8: [123456],
    OPENBCI_ACCEL_X: [0],
    OPENBCI_ACCEL_Y: [0],
    OPENBCI_ACCEL_Z: [8192],
  },
  numerics: {},
  flags: [],
};

/** A frame with the given sample number, channel 1 value and footer; other fields zero. */
function frame(sampleNumber: number, ch1 = 0, footer = 0xc0, accel = [1, -2, 3]): Uint8Array {
  const bytes = new Uint8Array(33);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0xa0;
  bytes[1] = sampleNumber & 0xff;
  bytes.set([(ch1 >> 16) & 0xff, (ch1 >> 8) & 0xff, ch1 & 0xff], 2);
  accel.forEach((value, i) => view.setInt16(26 + 2 * i, value, false));
  bytes[32] = footer;
  return bytes;
}

describe('openbci-cyton decoder', () => {
  it('decodes the worked example exactly', () => {
    const decoder = openbciCyton.createDecoder();
    expect(decoder.push(WORKED_EXAMPLE)).toEqual([WORKED_EXAMPLE_DECODED]);
    expect(decoder.stats).toEqual({ framesOk: 1, framesBad: 0, bytesSkipped: 0 });
  });

  it('decodes the same frame split at every byte boundary, and one byte at a time', () => {
    for (let split = 0; split <= WORKED_EXAMPLE.length; split++) {
      const decoder = openbciCyton.createDecoder();
      const frames = [
        ...decoder.push(WORKED_EXAMPLE.subarray(0, split)),
        ...decoder.push(WORKED_EXAMPLE.subarray(split)),
      ];
      expect(frames, `split at ${split}`).toEqual([WORKED_EXAMPLE_DECODED]);
      expect(pendingBytes(decoder)).toBe(0);
    }
    const decoder = openbciCyton.createDecoder();
    const frames = Array.from(WORKED_EXAMPLE).flatMap((byte) => decoder.push(Uint8Array.of(byte)));
    expect(frames).toEqual([WORKED_EXAMPLE_DECODED]);
  });

  it('flags samples-lost on a sample-number gap, not across the 255 → 0 wrap', () => {
    const numbers = [254, 255, 0, 1, 3, 4, 4];
    const frames = openbciCyton.createDecoder().push(join(...numbers.map((n) => frame(n))));
    expect(frames.map((f) => f.flags)).toEqual([
      [],
      [],
      [],
      [],
      [FLAG_SAMPLES_LOST],
      [],
      [FLAG_SAMPLES_LOST],
    ]);
  });

  it('reads the accelerometer only from C0 frames and accepts any footer C0–CF', () => {
    const footers = [0xc0, 0xc1, 0xc3, 0xc6, 0xcf];
    const frames = openbciCyton
      .createDecoder()
      .push(join(...footers.map((footer, i) => frame(i, i + 1, footer))));
    expect(frames.map((f) => f.samples.OPENBCI_CH1)).toEqual([[1], [2], [3], [4], [5]]);
    expect(frames.map((f) => f.samples.OPENBCI_ACCEL_Y)).toEqual([[-2], [], [], [], []]);
  });
});

describe('openbci-cyton decoder: resync and bad frames', () => {
  it('skips text and garbage between frames, counting every skipped byte', () => {
    const random = mulberry32(1);
    // Garbage without A0 cannot start a frame, so every one of its bytes must be skipped.
    const garbage = randomBytes(random, 500).map((byte) => (byte === 0xa0 ? 0xa1 : byte));
    const text = new TextEncoder().encode('OpenBCI V3 8-16 channel\n$$$');
    const decoder = openbciCyton.createDecoder();
    const frames = decoder.push(join(text, WORKED_EXAMPLE, garbage, WORKED_EXAMPLE, text));
    // Both carry sample number 42, so the second reports the gap.
    const lost = { ...WORKED_EXAMPLE_DECODED, flags: [FLAG_SAMPLES_LOST] };
    expect(frames).toEqual([WORKED_EXAMPLE_DECODED, lost]);
    expect(decoder.stats).toEqual({
      framesOk: 2,
      framesBad: 0,
      bytesSkipped: 2 * text.length + garbage.length,
    });
  });

  it('finds every frame among arbitrary random garbage', () => {
    const random = mulberry32(2);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 200; i++) parts.push(randomBytes(random, 100), WORKED_EXAMPLE);
    const frames = pushInChunks(openbciCyton.createDecoder(), join(...parts), random);
    // Random bytes can fake an A0 … Cx frame (no checksum), so at least every real one is found.
    expect(frames.filter((f) => f.samples.OPENBCI_CH8?.[0] === 123456)).toHaveLength(200);
  });

  it('drops a truncated frame and still decodes the whole frame that follows it', () => {
    for (let cut = 1; cut < WORKED_EXAMPLE.length; cut++) {
      const decoder = openbciCyton.createDecoder();
      const frames = decoder.push(join(WORKED_EXAMPLE.subarray(0, cut), WORKED_EXAMPLE));
      expect(frames, `truncated after ${cut} bytes`).toEqual([WORKED_EXAMPLE_DECODED]);
      expect(decoder.stats).toEqual({ framesOk: 1, framesBad: 1, bytesSkipped: cut });
    }
  });

  it('counts an A0 without a Cx footer 32 bytes on as a bad frame', () => {
    const bad = frame(1, 0, 0xb0);
    const decoder = openbciCyton.createDecoder();
    expect(decoder.push(join(bad, WORKED_EXAMPLE))).toEqual([WORKED_EXAMPLE_DECODED]);
    expect(decoder.stats).toEqual({ framesOk: 1, framesBad: 1, bytesSkipped: 33 });
  });
});

describe('openbci-cyton decoder: fuzz', () => {
  const MEGABYTE = 1 << 20;

  function expectAccounted(decoder: FrameDecoder, fed: number, frames: DecodedFrame[]) {
    const decodedBytes = frames.length * OPENBCI_FRAME_BYTES;
    expect(decodedBytes + decoder.stats.bytesSkipped + pendingBytes(decoder)).toBe(fed);
    expect(decoder.stats.framesOk).toBe(frames.length);
  }

  it('survives 1 MB of random bytes in random chunks without throwing, memory bounded', () => {
    const random = mulberry32(0x5eed);
    const noise = randomBytes(random, MEGABYTE);
    const decoder = openbciCyton.createDecoder();
    let maxPending = 0;
    const frames = pushInChunks(decoder, noise, random, () => {
      maxPending = Math.max(maxPending, pendingBytes(decoder));
    });
    expect(maxPending).toBeLessThan(OPENBCI_FRAME_BYTES);
    expect(decoder.stats.framesBad).toBeGreaterThan(0);
    expectAccounted(decoder, noise.length, frames);
  });

  it('survives mutated valid streams (bit flips, inserted and deleted bytes)', () => {
    for (const seed of [11, 12, 13, 14]) {
      const random = mulberry32(seed);
      const parts: Uint8Array[] = [];
      for (let i = 0; i < 10000; i++) parts.push(frame(i, i * 97 - 400000, 0xc0 + (i % 16)));
      const mutated: number[] = [];
      for (const byte of join(...parts)) {
        const pick = random();
        if (pick < 0.002) mutated.push(byte ^ (1 << Math.floor(random() * 8)));
        else if (pick < 0.004) mutated.push(byte, Math.floor(random() * 256));
        else if (pick < 0.006) continue;
        else mutated.push(byte);
      }
      const stream = Uint8Array.from(mutated);
      const decoder = openbciCyton.createDecoder();
      let maxPending = 0;
      const frames = pushInChunks(decoder, stream, random, () => {
        maxPending = Math.max(maxPending, pendingBytes(decoder));
      });
      expect(maxPending, `seed ${seed}`).toBeLessThan(OPENBCI_FRAME_BYTES);
      expect(decoder.stats.framesBad, `seed ${seed}`).toBeGreaterThan(0);
      expect(frames.length, `seed ${seed}`).toBeGreaterThan(10000 * 0.75);
      expect(frames.some((f) => f.flags.includes(FLAG_SAMPLES_LOST))).toBe(true);
      expectAccounted(decoder, stream.length, frames);
    }
  });

  it('gives the same frames one byte at a time as in one chunk', () => {
    const random = mulberry32(99);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) {
      parts.push(randomBytes(random, Math.floor(random() * 40)), WORKED_EXAMPLE);
      if (random() < 0.3) parts.push(WORKED_EXAMPLE.subarray(0, Math.floor(random() * 33)));
    }
    const stream = join(...parts);
    const whole = openbciCyton.createDecoder();
    const wholeFrames = whole.push(stream);
    const bytewise = openbciCyton.createDecoder();
    const bytewiseFrames = Array.from(stream).flatMap((b) => bytewise.push(Uint8Array.of(b)));
    expect(bytewiseFrames).toEqual(wholeFrames);
    expect(bytewise.stats).toEqual(whole.stats);
  });
});

describe('openbci-cyton descriptor', () => {
  it('declares the decoded channels with the default-gain µV scale, CH1 alone displayed', () => {
    const { descriptor, commands } = openbciCyton;
    expect(descriptor.id).toBe('openbci-cyton');
    expect(descriptor.channels.map((c) => c.key).sort()).toEqual(
      Object.keys(WORKED_EXAMPLE_DECODED.samples).sort(),
    );
    expect(OPENBCI_UV_PER_COUNT).toBeCloseTo(0.02235, 5);
    expect(OPENBCI_UV_PER_COUNT).toBe(4.5e6 / 24 / 8388607);
    const eeg = descriptor.channels.filter((c) => c.key.startsWith('OPENBCI_CH'));
    expect(eeg.every((c) => c.unit === 'uV' && c.scale === OPENBCI_UV_PER_COUNT)).toBe(true);
    expect(eeg.every((c) => c.rateHz === 250)).toBe(true);
    expect(descriptor.channels.filter((c) => c.displayed).map((c) => c.key)).toEqual([
      'OPENBCI_CH1',
    ]);
    expect(descriptor.channels.find((c) => c.key === 'OPENBCI_ACCEL_Z')?.scale).toBe(0.000125);
    expect(new TextDecoder().decode(commands.start)).toBe('b');
    expect(new TextDecoder().decode(commands.stop)).toBe('s');
  });
});
