import { describe, expect, it } from 'vitest';
import type { DecodedFrame, FrameDecoder } from '../driver';
import { HEALTHYPI4_FRAME_BYTES, healthypi4, pendingBytes } from './healthypi4';
import { mulberry32, randomBytes, pushInChunks } from '../testing/fuzz';
import { hex, ascii, join } from '../testing/bytes';

// Worked example from ../shared/protocols/README.md §2b.
const WORKED_EXAMPLE = hex(
  '0A FA 14 00 02 50 FB 5E 01 40 E2 01 00 CD 81 01 00 42 0E 10 62 48 50 78 C0 00 0B',
);
const WORKED_EXAMPLE_DECODED: DecodedFrame = {
  samples: {
    MDC_ECG_ELEC_POTL: [-1200],
    MDC_IMPED_TTHOR: [350],
    MDC_PULS_OXIM_PLETH: [123456],
    HPI4_PPG_RED: [98765],
  },
  numerics: {
    MDC_TEMP_BODY: 36.5,
    MDC_RESP_RATE: 16,
    MDC_PULS_OXIM_SAT_O2: 98,
    MDC_ECG_HEART_RATE: 72,
  },
  // The status byte's bit meaning is not in the spec: passed on raw.
  flags: ['lead-off-status:c0'],
};

function frame(payload: Uint8Array, type = 0x02, footer = [0x00, 0x0b]): Uint8Array {
  const header = [0x0a, 0xfa, payload.length & 0xff, payload.length >> 8, type];
  return join(Uint8Array.from(header), payload, Uint8Array.from(footer));
}

/** A type 0x02 payload with the given field values (offsets from the protocol table). */
function samplePayload(fields: {
  ecg?: number;
  spo2?: number;
  hr?: number;
  rr?: number;
  tempCentiC?: number;
  status?: number;
}): Uint8Array {
  const payload = new Uint8Array(20);
  const view = new DataView(payload.buffer);
  view.setInt16(0, fields.ecg ?? 1, true);
  view.setInt16(2, 2, true);
  view.setInt32(4, 3, true);
  view.setInt32(8, 4, true);
  view.setUint16(12, fields.tempCentiC ?? 3700, true);
  view.setUint8(14, fields.rr ?? 12);
  view.setUint8(15, fields.spo2 ?? 97);
  view.setUint8(16, fields.hr ?? 60);
  view.setUint8(17, 80);
  view.setUint8(18, 120);
  view.setUint8(19, fields.status ?? 0);
  return payload;
}

describe('healthypi4 decoder', () => {
  it('decodes the worked example exactly', () => {
    const decoder = healthypi4.createDecoder();
    expect(decoder.push(WORKED_EXAMPLE)).toEqual([WORKED_EXAMPLE_DECODED]);
    expect(decoder.stats).toEqual({ framesOk: 1, framesBad: 0, bytesSkipped: 0 });
  });

  it('decodes the same frame split at every byte boundary, and one byte at a time', () => {
    for (let split = 0; split <= WORKED_EXAMPLE.length; split++) {
      const decoder = healthypi4.createDecoder();
      const frames = [
        ...decoder.push(WORKED_EXAMPLE.subarray(0, split)),
        ...decoder.push(WORKED_EXAMPLE.subarray(split)),
      ];
      expect(frames, `split at ${split}`).toEqual([WORKED_EXAMPLE_DECODED]);
      expect(pendingBytes(decoder)).toBe(0);
    }
    const decoder = healthypi4.createDecoder();
    const frames = Array.from(WORKED_EXAMPLE).flatMap((byte) => decoder.push(Uint8Array.of(byte)));
    expect(frames).toEqual([WORKED_EXAMPLE_DECODED]);
  });

  it('decodes many frames in one chunk, in order, with extreme i16 ECG values', () => {
    const ecgs = [1, -32768, 32767];
    const stream = join(...ecgs.map((ecg) => frame(samplePayload({ ecg }))));
    const frames = healthypi4.createDecoder().push(stream);
    expect(frames.map((f) => f.samples.MDC_ECG_ELEC_POTL)).toEqual([[1], [-32768], [32767]]);
  });

  it('passes a non-zero status byte on raw and none for a zero status', () => {
    const frames = healthypi4
      .createDecoder()
      .push(join(frame(samplePayload({ status: 0 })), frame(samplePayload({ status: 0x0f }))));
    expect(frames.map((f) => f.flags)).toEqual([[], ['lead-off-status:0f']]);
  });

  it('reads temperature unsigned, and leaves out SpO2 of 0 or above 100 and a heart rate of 0', () => {
    const frames = healthypi4
      .createDecoder()
      .push(
        join(
          frame(samplePayload({ spo2: 0, hr: 0 })),
          frame(samplePayload({ spo2: 101, hr: 255, tempCentiC: 65535 })),
          frame(samplePayload({ spo2: 100, hr: 1, rr: 0, tempCentiC: 0 })),
        ),
      );
    expect(frames.map((f) => f.numerics)).toEqual([
      { MDC_RESP_RATE: 12, MDC_TEMP_BODY: 37 },
      { MDC_ECG_HEART_RATE: 255, MDC_RESP_RATE: 12, MDC_TEMP_BODY: 655.35 },
      { MDC_ECG_HEART_RATE: 1, MDC_PULS_OXIM_SAT_O2: 100, MDC_RESP_RATE: 0, MDC_TEMP_BODY: 0 },
    ]);
  });
});

describe('healthypi4 decoder: resync and bad frames', () => {
  it('skips ASCII debug text and garbage between frames, counting every skipped byte', () => {
    const random = mulberry32(1);
    const garbage = randomBytes(random, 500).map((byte) => (byte === 0x0a ? 0x0b : byte));
    const text = ascii('ESP32 boot\r\nmode: serial\r\n');
    const decoder = healthypi4.createDecoder();
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
    const frames = pushInChunks(healthypi4.createDecoder(), join(...parts), random);
    expect(frames).toHaveLength(200);
    expect(frames.every((f) => f.samples.MDC_ECG_ELEC_POTL?.[0] === -1200)).toBe(true);
  });

  it('drops a truncated frame and still decodes the whole frame that follows it', () => {
    for (let cut = 1; cut < WORKED_EXAMPLE.length; cut++) {
      const decoder = healthypi4.createDecoder();
      const frames = decoder.push(join(WORKED_EXAMPLE.subarray(0, cut), WORKED_EXAMPLE));
      expect(frames, `truncated after ${cut} bytes`).toEqual([WORKED_EXAMPLE_DECODED]);
      expect(decoder.stats.framesOk).toBe(1);
      expect(decoder.stats.bytesSkipped).toBe(cut);
    }
  });

  it('counts a wrong footer, a wrong length and an unknown type as bad frames', () => {
    const payload = samplePayload({ ecg: 42 });
    const cases = {
      'wrong footer': frame(payload, 0x02, [0x00, 0x0c]),
      'wrong length': frame(join(payload, Uint8Array.of(0))),
      'HealthyPi 5 length': frame(new Uint8Array(22)),
      'unknown type': frame(payload, 0x03),
    };
    for (const [name, bad] of Object.entries(cases)) {
      const decoder = healthypi4.createDecoder();
      const frames = decoder.push(join(bad, WORKED_EXAMPLE));
      expect(frames, name).toEqual([WORKED_EXAMPLE_DECODED]);
      expect(decoder.stats.framesBad, name).toBe(1);
      expect(decoder.stats.bytesSkipped, name).toBe(bad.length);
    }
  });

  it('finds a real frame hidden inside a bad frame', () => {
    const decoder = healthypi4.createDecoder();
    const frames = decoder.push(join(hex('0A FA 14 00 02'), WORKED_EXAMPLE));
    expect(frames).toEqual([WORKED_EXAMPLE_DECODED]);
    expect(decoder.stats).toEqual({ framesOk: 1, framesBad: 1, bytesSkipped: 5 });
  });
});

describe('healthypi4 decoder: fuzz', () => {
  const MEGABYTE = 1 << 20;

  function expectAccounted(decoder: FrameDecoder, fed: number, frames: DecodedFrame[]) {
    const decodedBytes = frames.length * HEALTHYPI4_FRAME_BYTES;
    expect(decodedBytes + decoder.stats.bytesSkipped + pendingBytes(decoder)).toBe(fed);
    expect(decoder.stats.framesOk).toBe(frames.length);
  }

  it('survives 1 MB of random bytes in random chunks without throwing, memory bounded', () => {
    const random = mulberry32(0x5eed);
    const noise = randomBytes(random, MEGABYTE);
    const decoder = healthypi4.createDecoder();
    let maxPending = 0;
    const frames = pushInChunks(decoder, noise, random, () => {
      maxPending = Math.max(maxPending, pendingBytes(decoder));
    });
    expect(maxPending).toBeLessThan(HEALTHYPI4_FRAME_BYTES);
    expect(decoder.stats.framesBad).toBeGreaterThan(0);
    expectAccounted(decoder, noise.length, frames);
  });

  it('survives mutated valid streams (bit flips, inserted and deleted bytes)', () => {
    for (const seed of [11, 12, 13, 14]) {
      const random = mulberry32(seed);
      const parts: Uint8Array[] = [];
      for (let i = 0; i < 10000; i++) parts.push(frame(samplePayload({ ecg: i - 5000 })));
      const mutated: number[] = [];
      for (const byte of join(...parts)) {
        const pick = random();
        if (pick < 0.002) mutated.push(byte ^ (1 << Math.floor(random() * 8)));
        else if (pick < 0.004) mutated.push(byte, Math.floor(random() * 256));
        else if (pick < 0.006) continue;
        else mutated.push(byte);
      }
      const stream = Uint8Array.from(mutated);
      const decoder = healthypi4.createDecoder();
      let maxPending = 0;
      const frames = pushInChunks(decoder, stream, random, () => {
        maxPending = Math.max(maxPending, pendingBytes(decoder));
      });
      expect(maxPending, `seed ${seed}`).toBeLessThan(HEALTHYPI4_FRAME_BYTES);
      expect(decoder.stats.framesBad, `seed ${seed}`).toBeGreaterThan(0);
      // Roughly 1 in 7 frames is hit by a mutation; the rest must come through.
      expect(frames.length, `seed ${seed}`).toBeGreaterThan(10000 * 0.75);
      expectAccounted(decoder, stream.length, frames);
    }
  });

  it('gives the same frames one byte at a time as in one chunk', () => {
    const random = mulberry32(99);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) {
      parts.push(randomBytes(random, Math.floor(random() * 40)), WORKED_EXAMPLE);
      if (random() < 0.3) parts.push(WORKED_EXAMPLE.subarray(0, Math.floor(random() * 27)));
    }
    const stream = join(...parts);
    const whole = healthypi4.createDecoder();
    const wholeFrames = whole.push(stream);
    const bytewise = healthypi4.createDecoder();
    const bytewiseFrames = Array.from(stream).flatMap((b) => bytewise.push(Uint8Array.of(b)));
    expect(bytewiseFrames).toEqual(wholeFrames);
    expect(bytewise.stats).toEqual(whole.stats);
  });
});

describe('healthypi4 descriptor', () => {
  it('declares the channels and numerics the decoder produces, raw counts, no USB id', () => {
    const { descriptor } = healthypi4;
    expect(descriptor.id).toBe('healthypi4');
    expect(descriptor.channels.map((c) => c.key).sort()).toEqual(
      Object.keys(WORKED_EXAMPLE_DECODED.samples).sort(),
    );
    expect(descriptor.channels.every((c) => c.unit === '{count}' && c.scale === null)).toBe(true);
    expect(descriptor.channels.every((c) => c.rateHz === 125)).toBe(true);
    expect(descriptor.channels.find((c) => c.key === 'HPI4_PPG_RED')?.displayed).toBe(false);
    expect(descriptor.numerics.map((n) => n.refId).sort()).toEqual(
      Object.keys(WORKED_EXAMPLE_DECODED.numerics).sort(),
    );
    expect(descriptor.serial?.baudRate).toBe(115200);
    expect(descriptor.usb).toEqual([]);
    expect(healthypi4.commands).toEqual({});
  });
});
