import { describe, expect, it } from 'vitest';
import { healthypi5 } from './healthypi5';
import { hex, join } from '../testing/bytes';
import { HEALTHYPI5_EXAMPLE } from '../testing/worked-examples';

// Worked examples, resync, truncation, fuzz and chunking: decoder-conformance.test.ts.
const WORKED_EXAMPLE = HEALTHYPI5_EXAMPLE.bytes;
const [WORKED_EXAMPLE_DECODED] = HEALTHYPI5_EXAMPLE.frames;

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

describe('healthypi5 decoder: type 0x02', () => {
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

describe('healthypi5 decoder: bad frames', () => {
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

describe('healthypi5 descriptor', () => {
  it('declares the channels the decoder produces, with raw counts and no scale', () => {
    const { descriptor } = healthypi5;
    const keys = Object.keys(WORKED_EXAMPLE_DECODED!.samples).sort();
    expect(descriptor.channels.map((c) => c.key).sort()).toEqual(keys);
    expect(descriptor.channels.every((c) => c.unit === '{count}' && c.scale === null)).toBe(true);
    expect(descriptor.numerics.map((n) => n.refId).sort()).toEqual(
      Object.keys(WORKED_EXAMPLE_DECODED!.numerics).sort(),
    );
    expect(descriptor.usb.some((match) => match.vendorId === 0x2e8a)).toBe(true);
  });
});
