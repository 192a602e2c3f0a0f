import { describe, expect, it } from 'vitest';
import { FLAG_SAMPLES_LOST, OPENBCI_UV_PER_COUNT, openbciCyton } from './openbci';
import { join } from '../testing/bytes';
import { mulberry32, randomBytes } from '../testing/fuzz';
import { OPENBCI_EXAMPLE } from '../testing/worked-examples';

// Worked examples, resync, truncation, fuzz and chunking: decoder-conformance.test.ts.
const WORKED_EXAMPLE = OPENBCI_EXAMPLE.bytes;
const WORKED_EXAMPLE_DECODED = OPENBCI_EXAMPLE.frames[0]!;

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

  it('counts an A0 without a Cx footer 32 bytes on as a bad frame', () => {
    const bad = frame(1, 0, 0xb0);
    const decoder = openbciCyton.createDecoder();
    expect(decoder.push(join(bad, WORKED_EXAMPLE))).toEqual([WORKED_EXAMPLE_DECODED]);
    expect(decoder.stats).toEqual({ framesOk: 1, framesBad: 1, bytesSkipped: 33 });
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
    // A board switched on or reset after the port opened is sent "b" again after 1 s of silence.
    expect(commands.startAgain).toEqual({ afterSilenceMs: 1000 });
  });
});
