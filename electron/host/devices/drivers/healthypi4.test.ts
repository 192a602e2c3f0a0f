import { describe, expect, it } from 'vitest';
import { healthypi4 } from './healthypi4';
import { hex, join } from '../testing/bytes';
import { HEALTHYPI4_EXAMPLE } from '../testing/worked-examples';

// Worked examples, resync, truncation, fuzz and chunking: decoder-conformance.test.ts.
const WORKED_EXAMPLE = HEALTHYPI4_EXAMPLE.bytes;
const WORKED_EXAMPLE_DECODED = HEALTHYPI4_EXAMPLE.frames[0]!;

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

describe('healthypi4 decoder: bad frames', () => {
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
