import { describe, expect, it } from 'vitest';
import type { DecodedFrame, FrameDecoder } from '../driver';
import {
  FLAG_TEMPERATURE_UNREADABLE,
  HEALTHYPI5_MAX_FRAME_BYTES,
  healthypi5,
  pendingBytes,
} from './healthypi5';
import { mulberry32, randomBytes, pushInChunks } from '../testing/fuzz';
import { hex, ascii, join } from '../testing/bytes';

// Worked example from ../shared/protocols/README.md §2a.
const WORKED_EXAMPLE = hex(
  '0A FA 16 00 02 78 EC FF FF 20 4E 00 00 00 40 0D 03 00 50 34 03 00 42 0E 62 48 10 00 0B',
);
const WORKED_EXAMPLE_DECODED: DecodedFrame = {
  samples: {
    MDC_ECG_ELEC_POTL: [-5000],
    MDC_PULS_OXIM_PLETH: [210000],
    HPI5_PPG_RED: [200000],
    MDC_IMPED_TTHOR: [20000],
  },
  numerics: {
    MDC_ECG_HEART_RATE: 72,
    MDC_PULS_OXIM_SAT_O2: 98,
    MDC_RESP_RATE: 16,
    MDC_TEMP_BODY: 36.5,
  },
  flags: [],
};

function frame(type: number, payload: Uint8Array, footer = [0x00, 0x0b]): Uint8Array {
  const header = [0x0a, 0xfa, payload.length & 0xff, payload.length >> 8, type];
  return join(Uint8Array.from(header), payload, Uint8Array.from(footer));
}

/** A type 0x02 payload with the given field values (offsets from the protocol table). */
function samplePayload(fields: {
  ecg?: number;
  bioz?: number;
  biozSkip?: number;
  spo2?: number;
  hr?: number;
  rr?: number;
  tempCentiC?: number;
}): Uint8Array {
  const payload = new Uint8Array(22);
  const view = new DataView(payload.buffer);
  view.setInt32(0, fields.ecg ?? 1, true);
  view.setInt32(4, fields.bioz ?? 2, true);
  view.setUint8(8, fields.biozSkip ?? 0);
  view.setInt32(9, 3, true);
  view.setInt32(13, 4, true);
  view.setInt16(17, fields.tempCentiC ?? 3700, true);
  view.setUint8(19, fields.spo2 ?? 97);
  view.setUint8(20, fields.hr ?? 60);
  view.setUint8(21, fields.rr ?? 12);
  return payload;
}

function ov3EcgBioz(ecg: number[], bioz: number[], hr: number, rr: number): Uint8Array {
  const payload = new Uint8Array(50);
  const view = new DataView(payload.buffer);
  ecg.forEach((value, i) => view.setInt32(4 * i, value, true));
  bioz.forEach((value, i) => view.setInt32(32 + 4 * i, value, true));
  view.setUint8(48, hr);
  view.setUint8(49, rr);
  return frame(0x03, payload);
}

function ov3Ppg(ppg: number[], spo2: number): Uint8Array {
  const payload = new Uint8Array(19);
  const view = new DataView(payload.buffer);
  ppg.forEach((value, i) => view.setInt16(2 * i, value, true));
  view.setUint8(16, spo2);
  view.setUint8(17, 0x0e); // temperature high byte, written twice by the firmware
  view.setUint8(18, 0x0e);
  return frame(0x04, payload);
}

/** Wire size of a decoded frame, told apart by what each frame type carries. */
function wireBytes(decoded: DecodedFrame): number {
  if (decoded.flags.includes(FLAG_TEMPERATURE_UNREADABLE)) return 5 + 19 + 2;
  if ((decoded.samples.MDC_ECG_ELEC_POTL ?? []).length === 8) return 5 + 50 + 2;
  return 5 + 22 + 2;
}

describe('healthypi5 decoder: type 0x02', () => {
  it('decodes the worked example exactly', () => {
    const decoder = healthypi5.createDecoder();
    expect(decoder.push(WORKED_EXAMPLE)).toEqual([WORKED_EXAMPLE_DECODED]);
    expect(decoder.stats).toEqual({ framesOk: 1, framesBad: 0, bytesSkipped: 0 });
  });

  it('decodes the same frame split at every byte boundary, and one byte at a time', () => {
    for (let split = 0; split <= WORKED_EXAMPLE.length; split++) {
      const decoder = healthypi5.createDecoder();
      const frames = [
        ...decoder.push(WORKED_EXAMPLE.subarray(0, split)),
        ...decoder.push(WORKED_EXAMPLE.subarray(split)),
      ];
      expect(frames, `split at ${split}`).toEqual([WORKED_EXAMPLE_DECODED]);
      expect(pendingBytes(decoder)).toBe(0);
    }
    const decoder = healthypi5.createDecoder();
    const frames = Array.from(WORKED_EXAMPLE).flatMap((byte) => decoder.push(Uint8Array.of(byte)));
    expect(frames).toEqual([WORKED_EXAMPLE_DECODED]);
  });

  it('decodes many frames in one chunk, in order', () => {
    const stream = join(...[1, 2, 3].map((ecg) => frame(0x02, samplePayload({ ecg }))));
    const frames = healthypi5.createDecoder().push(stream);
    expect(frames.map((f) => f.samples.MDC_ECG_ELEC_POTL)).toEqual([[1], [2], [3]]);
  });

  it('leaves the BioZ sample out when the skip flag marks it repeated', () => {
    const decoder = healthypi5.createDecoder();
    const [fresh, repeated] = decoder.push(
      join(
        frame(0x02, samplePayload({ bioz: 7, biozSkip: 0x00 })),
        frame(0x02, samplePayload({ bioz: 7, biozSkip: 0xff })),
      ),
    );
    expect(fresh?.samples.MDC_IMPED_TTHOR).toEqual([7]);
    expect(repeated?.samples.MDC_IMPED_TTHOR).toEqual([]);
    expect(repeated?.samples.MDC_ECG_ELEC_POTL).toEqual([1]);
  });

  it('leaves out SpO2 of 0 or above 100 and a heart rate of 0 (the device has no reading)', () => {
    const decoder = healthypi5.createDecoder();
    const frames = decoder.push(
      join(
        frame(0x02, samplePayload({ spo2: 0, hr: 0 })),
        frame(0x02, samplePayload({ spo2: 101, hr: 255 })),
        frame(0x02, samplePayload({ spo2: 100, hr: 1, rr: 0, tempCentiC: -50 })),
      ),
    );
    expect(frames.map((f) => f.numerics)).toEqual([
      { MDC_RESP_RATE: 12, MDC_TEMP_BODY: 37 },
      { MDC_ECG_HEART_RATE: 255, MDC_RESP_RATE: 12, MDC_TEMP_BODY: 37 },
      { MDC_ECG_HEART_RATE: 1, MDC_PULS_OXIM_SAT_O2: 100, MDC_RESP_RATE: 0, MDC_TEMP_BODY: -0.5 },
    ]);
  });
});

describe('healthypi5 decoder: OV3 types 0x03 and 0x04', () => {
  it('decodes 8 ECG and 4 BioZ samples with HR and RR', () => {
    const ecg = [-1, 2, -300000, 4, 5, 6, 7, 2147483647];
    const frames = healthypi5.createDecoder().push(ov3EcgBioz(ecg, [10, -20, 30, -40], 75, 18));
    expect(frames).toEqual([
      {
        samples: { MDC_ECG_ELEC_POTL: ecg, MDC_IMPED_TTHOR: [10, -20, 30, -40] },
        numerics: { MDC_ECG_HEART_RATE: 75, MDC_RESP_RATE: 18 },
        flags: [],
      },
    ]);
  });

  it('decodes 8 PPG samples and SpO2, and reports no temperature from the garbled bytes', () => {
    const ppg = [100, -100, 32767, -32768, 0, 1, 2, 3];
    const frames = healthypi5.createDecoder().push(ov3Ppg(ppg, 96));
    expect(frames).toEqual([
      {
        samples: { MDC_PULS_OXIM_PLETH: ppg },
        numerics: { MDC_PULS_OXIM_SAT_O2: 96 },
        flags: [FLAG_TEMPERATURE_UNREADABLE],
      },
    ]);
  });
});

describe('healthypi5 decoder: resync and bad frames', () => {
  it('skips ASCII debug text and garbage between frames, counting every skipped byte', () => {
    const random = mulberry32(1);
    // Garbage without 0A cannot start a frame, so every one of its bytes must be skipped.
    const garbage = randomBytes(random, 500).map((byte) => (byte === 0x0a ? 0x0b : byte));
    const text = ascii('I: ecg started\r\nW: lead off?\r\n');
    const decoder = healthypi5.createDecoder();
    const frames = decoder.push(
      join(text, WORKED_EXAMPLE, garbage, WORKED_EXAMPLE, text, WORKED_EXAMPLE, text),
    );
    expect(frames).toEqual([
      WORKED_EXAMPLE_DECODED,
      WORKED_EXAMPLE_DECODED,
      WORKED_EXAMPLE_DECODED,
    ]);
    // The final text ends in \n (0A), which is held back as a possible frame start.
    expect(decoder.stats.bytesSkipped + pendingBytes(decoder)).toBe(
      3 * text.length + garbage.length,
    );
    expect(decoder.stats.framesBad).toBe(0);
  });

  it('finds every frame among arbitrary random garbage', () => {
    const random = mulberry32(2);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 200; i++) parts.push(randomBytes(random, 100), WORKED_EXAMPLE);
    const frames = pushInChunks(healthypi5.createDecoder(), join(...parts), random);
    expect(frames).toHaveLength(200);
    expect(frames.every((f) => f.samples.MDC_ECG_ELEC_POTL?.[0] === -5000)).toBe(true);
  });

  it('drops a truncated frame and still decodes the whole frame that follows it', () => {
    for (let cut = 1; cut < WORKED_EXAMPLE.length; cut++) {
      const decoder = healthypi5.createDecoder();
      const frames = decoder.push(join(WORKED_EXAMPLE.subarray(0, cut), WORKED_EXAMPLE));
      expect(frames, `truncated after ${cut} bytes`).toEqual([WORKED_EXAMPLE_DECODED]);
      expect(decoder.stats.framesOk).toBe(1);
      expect(decoder.stats.bytesSkipped).toBe(cut);
    }
  });

  it('counts a wrong footer, a wrong length and an unknown type as bad frames', () => {
    const payload = samplePayload({ ecg: 42 });
    const cases = {
      'wrong footer': frame(0x02, payload, [0x00, 0x0c]),
      'wrong length': frame(0x02, join(payload, Uint8Array.of(0))),
      'length of another type': frame(0x02, new Uint8Array(50)),
      'unknown type': frame(0x05, payload),
    };
    for (const [name, bad] of Object.entries(cases)) {
      const decoder = healthypi5.createDecoder();
      const frames = decoder.push(join(bad, WORKED_EXAMPLE));
      expect(frames, name).toEqual([WORKED_EXAMPLE_DECODED]);
      expect(decoder.stats.framesBad, name).toBe(1);
      expect(decoder.stats.bytesSkipped, name).toBe(bad.length);
    }
  });

  it('finds a real frame hidden inside a bad frame', () => {
    const decoder = healthypi5.createDecoder();
    const frames = decoder.push(join(hex('0A FA 16 00 02'), WORKED_EXAMPLE));
    expect(frames).toEqual([WORKED_EXAMPLE_DECODED]);
    expect(decoder.stats).toEqual({ framesOk: 1, framesBad: 1, bytesSkipped: 5 });
  });
});

describe('healthypi5 decoder: fuzz', () => {
  const MEGABYTE = 1 << 20;

  function expectBoundedAndAccounted(decoder: FrameDecoder, fed: number, frames: DecodedFrame[]) {
    const decodedBytes = frames.reduce((sum, f) => sum + wireBytes(f), 0);
    expect(decodedBytes + decoder.stats.bytesSkipped + pendingBytes(decoder)).toBe(fed);
    expect(decoder.stats.framesOk).toBe(frames.length);
  }

  it('survives 1 MB of random bytes in random chunks without throwing, memory bounded', () => {
    const random = mulberry32(0x5eed);
    const noise = randomBytes(random, MEGABYTE);
    const decoder = healthypi5.createDecoder();
    let maxPending = 0;
    const frames = pushInChunks(decoder, noise, random, () => {
      maxPending = Math.max(maxPending, pendingBytes(decoder));
    });
    expect(maxPending).toBeLessThan(HEALTHYPI5_MAX_FRAME_BYTES);
    expect(decoder.stats.framesBad).toBeGreaterThan(0);
    expectBoundedAndAccounted(decoder, noise.length, frames);
  });

  it('survives mutated valid streams (bit flips, inserted and deleted bytes)', () => {
    for (const seed of [11, 12, 13, 14]) {
      const random = mulberry32(seed);
      const parts: Uint8Array[] = [];
      for (let i = 0; i < 3000; i++) {
        const pick = random();
        if (pick < 0.7) parts.push(frame(0x02, samplePayload({ ecg: i })));
        else if (pick < 0.85)
          parts.push(ov3EcgBioz([i, i, i, i, i, i, i, i], [i, i, i, i], 70, 15));
        else parts.push(ov3Ppg([i, i, i, i, i, i, i, i], 97));
      }
      const mutated: number[] = [];
      for (const byte of join(...parts)) {
        const pick = random();
        if (pick < 0.002) mutated.push(byte ^ (1 << Math.floor(random() * 8)));
        else if (pick < 0.004) mutated.push(byte, Math.floor(random() * 256));
        else if (pick < 0.006) continue;
        else mutated.push(byte);
      }
      const stream = Uint8Array.from(mutated);
      const decoder = healthypi5.createDecoder();
      let maxPending = 0;
      const frames = pushInChunks(decoder, stream, random, () => {
        maxPending = Math.max(maxPending, pendingBytes(decoder));
      });
      expect(maxPending, `seed ${seed}`).toBeLessThan(HEALTHYPI5_MAX_FRAME_BYTES);
      expect(decoder.stats.framesBad, `seed ${seed}`).toBeGreaterThan(0);
      // Roughly 1 in 6 frames is hit by a mutation; the rest must come through.
      expect(frames.length, `seed ${seed}`).toBeGreaterThan(3000 * 0.7);
      expectBoundedAndAccounted(decoder, stream.length, frames);
    }
  });

  it('gives the same frames one byte at a time as in one chunk', () => {
    const random = mulberry32(99);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) {
      parts.push(randomBytes(random, Math.floor(random() * 40)), WORKED_EXAMPLE);
      if (random() < 0.3) parts.push(WORKED_EXAMPLE.subarray(0, Math.floor(random() * 29)));
    }
    const stream = join(...parts);
    const whole = healthypi5.createDecoder();
    const wholeFrames = whole.push(stream);
    const bytewise = healthypi5.createDecoder();
    const bytewiseFrames = Array.from(stream).flatMap((b) => bytewise.push(Uint8Array.of(b)));
    expect(bytewiseFrames).toEqual(wholeFrames);
    expect(bytewise.stats).toEqual(whole.stats);
  });
});

describe('healthypi5 descriptor', () => {
  it('declares the channels the decoder produces, with raw counts and no scale', () => {
    const { descriptor } = healthypi5;
    const keys = Object.keys(WORKED_EXAMPLE_DECODED.samples).sort();
    expect(descriptor.channels.map((c) => c.key).sort()).toEqual(keys);
    expect(descriptor.channels.every((c) => c.unit === '{count}' && c.scale === null)).toBe(true);
    expect(descriptor.numerics.map((n) => n.refId).sort()).toEqual(
      Object.keys(WORKED_EXAMPLE_DECODED.numerics).sort(),
    );
    expect(descriptor.usb.some((match) => match.vendorId === 0x2e8a)).toBe(true);
  });
});
