import { describe, expect, it } from 'vitest';
import {
  IntellivueDeframer,
  INTELLIVUE_MAX_FRAME_BYTES,
  encodeIntellivueFrame,
  intellivueFcs16,
} from './intellivue-framing';
import {
  FLAG_ASSOCIATION_ABORTED,
  FLAG_ASSOCIATION_REFUSED,
  INTELLIVUE_ABORT,
  INTELLIVUE_ASSOCIATION_REQUEST,
  INTELLIVUE_NUMERICS_POLL,
  INTELLIVUE_PHYSIO_TO_REF_ID,
  createIntellivueDecoder,
  intellivueMib,
} from './intellivue';
import {
  decodeIntellivueFloat,
  encodeIntellivueFloat,
  readPollResult,
} from './intellivue-attributes';
import {
  FLAG_WAVE_RATE_UNEXPECTED,
  INTELLIVUE_WAVE_POLL,
  INTELLIVUE_WAVE_SELECTION,
  WAVE_POLL_RENEW_TICKS,
  rtsaPrioritySet,
} from './intellivue-waves';
import { mdsCreateEventReport, numericsPollResult } from '../simulators/intellivue';
import { SIMULATED_WAVES, wavePollResult } from '../simulators/intellivue-waves';
import { mulberry32 } from '../testing/fuzz';
import { INTELLIVUE_WAVE_EXAMPLE, INTELLIVUE_WAVE_REPLY } from '../testing/worked-examples';

const hex = (text: string): Uint8Array =>
  Uint8Array.from(text.trim().split(/\s+/), (byte) => parseInt(byte, 16));

const SPEC_POLL_FRAME = hex(
  'C0 11 01 00 30 E1 00 00 02 00 01 00 28 00 01 00 07 00 22 00 21 00 00 00 00 00 00 00 00 F1 3B ' +
    '00 14 00 01 00 01 00 06 00 00 00 01 00 08 F1 3E 00 04 00 03 A9 80 58 71 C1',
);

/** A poll result carrying the spec's example attribute `09 50 00 0A 4B B8 00 00 02 20 00 00 00 62`. */
function specExampleResult(): Uint8Array {
  return numericsPollResult(1, 1, 0, [{ physioId: 0x4bb8, unitCode: 0x0220, value: 0x62 }]);
}

describe('IntelliVue framing', () => {
  it('FCS-16 of the spec numerics poll is 0x7158 and the whole frame matches byte for byte', () => {
    const body = SPEC_POLL_FRAME.subarray(1, SPEC_POLL_FRAME.length - 3);
    expect(intellivueFcs16(body)).toBe(0x7158);
    expect(encodeIntellivueFrame(INTELLIVUE_NUMERICS_POLL)).toEqual(SPEC_POLL_FRAME);
    expect(intellivueMib.commands.keepAlive).toEqual({ bytes: SPEC_POLL_FRAME, everyMs: 5000 });
  });

  it('escapes C0, C1 and 7D in the payload and round-trips them', () => {
    const payload = Uint8Array.of(0xc0, 0x01, 0xc1, 0x7d, 0x5d, 0xe0, 0xe1);
    const frame = encodeIntellivueFrame(payload);
    expect(frame[0]).toBe(0xc0);
    expect(frame[frame.length - 1]).toBe(0xc1);
    const inner = frame.subarray(1, frame.length - 1);
    expect(inner.includes(0xc0) || inner.includes(0xc1)).toBe(false);
    expect(Array.from(frame.subarray(5, 13))).toEqual([
      0x7d, 0xe0, 0x01, 0x7d, 0xe1, 0x7d, 0x5d, 0x5d,
    ]);
    const deframer = new IntellivueDeframer();
    expect(deframer.push(frame)).toEqual([payload]);
    expect(deframer.stats).toEqual({ framesOk: 1, framesBad: 0, bytesSkipped: 0 });
  });

  it('escapes FCS bytes that are C0, C1 or 7D', () => {
    // Search payloads until each special value appears in the FCS, then round-trip them.
    const seen = new Set<number>();
    for (let n = 0; n < 200_000 && seen.size < 3; n++) {
      const payload = Uint8Array.of(n >> 16, (n >> 8) & 0xff, n & 0xff);
      const header = Uint8Array.of(0x11, 0x01, 0x00, 0x03, ...payload);
      const fcs = intellivueFcs16(header);
      const special = [fcs & 0xff, fcs >> 8].find((b) => b === 0xc0 || b === 0xc1 || b === 0x7d);
      if (special === undefined || seen.has(special)) continue;
      seen.add(special);
      const frame = encodeIntellivueFrame(payload);
      const inner = frame.subarray(1, frame.length - 1);
      expect(inner.includes(0xc0) || inner.includes(0xc1)).toBe(false);
      expect(new IntellivueDeframer().push(frame)).toEqual([payload]);
    }
    expect(seen).toEqual(new Set([0xc0, 0xc1, 0x7d]));
  });

  it('resyncs on garbage between frames and counts a bad FCS as a bad frame', () => {
    const good = encodeIntellivueFrame(Uint8Array.of(1, 2, 3));
    const bad = encodeIntellivueFrame(Uint8Array.of(4, 5, 6));
    bad[bad.length - 2] = (bad[bad.length - 2] ?? 0) ^ 0x01;
    const garbage = Uint8Array.of(0x00, 0xc1, 0x41, 0x7d);
    const stream = Uint8Array.from([...garbage, ...good, ...bad, ...garbage, ...good]);
    const deframer = new IntellivueDeframer();
    const out: Uint8Array[] = [];
    for (const byte of stream) out.push(...deframer.push(Uint8Array.of(byte)));
    expect(out).toEqual([Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3)]);
    expect(deframer.stats.framesOk).toBe(2);
    expect(deframer.stats.framesBad).toBe(1);
    expect(deframer.stats.bytesSkipped).toBe(garbage.length * 2 + bad.length);
  });

  it('counts a frame cut short by a new C0 as bad and keeps the new frame', () => {
    const good = encodeIntellivueFrame(Uint8Array.of(9));
    const cut = good.subarray(0, 4);
    const deframer = new IntellivueDeframer();
    expect(deframer.push(Uint8Array.from([...cut, ...good]))).toEqual([Uint8Array.of(9)]);
    expect(deframer.stats.framesBad).toBe(1);
  });
});

describe('IntelliVue FLOAT', () => {
  it('decodes positive, negative-exponent and negative-mantissa values', () => {
    expect(decodeIntellivueFloat(0x00000062)).toBe(98);
    expect(decodeIntellivueFloat(0xff000173)).toBe(37.1); // 371 × 10^-1
    expect(decodeIntellivueFloat(0xfe000d05)).toBe(33.33); // 3333 × 10^-2
    expect(decodeIntellivueFloat(0x00fffffb)).toBe(-5);
    expect(decodeIntellivueFloat(0xfffffff6)).toBe(-1); // -10 × 10^-1
    expect(decodeIntellivueFloat(0x02000003)).toBe(300);
    expect(decodeIntellivueFloat(encodeIntellivueFloat(-123, -2))).toBe(-1.23);
  });

  it('returns null for NaN and the other special values', () => {
    expect(decodeIntellivueFloat(0x007fffff)).toBeNull();
    expect(decodeIntellivueFloat(0x00800000)).toBeNull();
    expect(decodeIntellivueFloat(0x007ffffe)).toBeNull();
    expect(decodeIntellivueFloat(0x00800002)).toBeNull();
  });
});

describe('IntelliVue numerics decoder', () => {
  it('maps physio ids as the low 16 bits of the MDC codes', () => {
    expect(INTELLIVUE_PHYSIO_TO_REF_ID.get(0x4bb8)).toBe('MDC_PULS_OXIM_SAT_O2');
    expect(INTELLIVUE_PHYSIO_TO_REF_ID.get(0x4182)).toBe('MDC_ECG_HEART_RATE');
    expect(INTELLIVUE_PHYSIO_TO_REF_ID.get(0x481a)).toBe('MDC_PULS_OXIM_PULS_RATE');
    expect(INTELLIVUE_PHYSIO_TO_REF_ID.get(0x500a)).toBe('MDC_RESP_RATE');
    expect(INTELLIVUE_PHYSIO_TO_REF_ID.get(0x4b5c)).toBe('MDC_TEMP_BODY');
    expect(INTELLIVUE_PHYSIO_TO_REF_ID.get(0x4a05)).toBe('MDC_PRESS_BLD_NONINV_SYS');
  });

  it('decodes the spec example attribute to SpO2 98 %', () => {
    const result = specExampleResult();
    const attribute = hex('09 50 00 0A 4B B8 00 00 02 20 00 00 00 62');
    const at = result.length - attribute.length;
    expect(result.subarray(at)).toEqual(attribute);
    expect(readPollResult(result)).toEqual([
      { physioId: 0x4bb8, state: 0, unitCode: 0x0220, value: 98 },
    ]);
    const decoder = createIntellivueDecoder();
    expect(decoder.push(encodeIntellivueFrame(result))).toEqual([
      { samples: {}, numerics: { MDC_PULS_OXIM_SAT_O2: 98 }, flags: [] },
    ]);
  });

  it('omits NaN values and unknown physio ids', () => {
    const result = numericsPollResult(1, 1, 0, [
      { physioId: 0x4bb8, unitCode: 0x0220, value: 0x007fffff },
      { physioId: 0x1234, unitCode: 0, value: 5 },
      { physioId: 0x4182, unitCode: 0x0aa0, value: 60 },
    ]);
    expect(createIntellivueDecoder().push(encodeIntellivueFrame(result))).toEqual([
      { samples: {}, numerics: { MDC_ECG_HEART_RATE: 60 }, flags: [] },
    ]);
  });

  it('answers the MDS Create Event Report with an echoing result, the wave choice and both polls', () => {
    const decoder = createIntellivueDecoder();
    expect(decoder.push(encodeIntellivueFrame(mdsCreateEventReport(0x1234, 0xabcdef)))).toEqual([]);
    const [result, selection, poll, wavePoll, ...rest] = decoder.takeReplies();
    expect(rest).toEqual([]);
    expect(selection).toEqual(encodeIntellivueFrame(INTELLIVUE_WAVE_SELECTION));
    expect(wavePoll).toEqual(encodeIntellivueFrame(INTELLIVUE_WAVE_POLL));
    expect(result).toEqual(
      encodeIntellivueFrame(
        hex('E1 00 00 02 00 02 00 14 12 34 00 01 00 0E 00 21 00 00 00 00 00 AB CD EF 0D 06 00 00'),
      ),
    );
    expect(poll).toEqual(SPEC_POLL_FRAME);
    expect(decoder.takeReplies()).toEqual([]);
  });

  it('ends any old association and asks for a new one, again after two unanswered polls', () => {
    expect(intellivueMib.commands.start).toEqual(
      Uint8Array.from([
        ...encodeIntellivueFrame(INTELLIVUE_ABORT),
        ...encodeIntellivueFrame(INTELLIVUE_ASSOCIATION_REQUEST),
      ]),
    );
    // A monitor switched on late or restarted holds no association and answers no poll.
    expect(intellivueMib.commands.startAgain).toEqual({ afterSilenceMs: 10_000 });
  });

  it('flags a refused or aborted association', () => {
    const decoder = createIntellivueDecoder();
    const frames = decoder.push(
      Uint8Array.from([
        ...encodeIntellivueFrame(Uint8Array.of(0x0c, 0x03, 0x32, 0x01, 0x00)),
        ...encodeIntellivueFrame(Uint8Array.of(0x19, 0x2e, 0x11)),
      ]),
    );
    expect(frames.map((frame) => frame.flags)).toEqual([
      [FLAG_ASSOCIATION_REFUSED],
      [FLAG_ASSOCIATION_ABORTED],
    ]);
  });

  it('reads mutated PDUs that pass the FCS (a wrong length inside) without throwing or trusting them', () => {
    // Random and mutated bytes on the wire are the conformance suite's; these PDUs get past the
    // FCS because it is computed after the damage, so the PDU reader itself must hold.
    const random = mulberry32(0x12345678);
    const valid = [specExampleResult(), INTELLIVUE_WAVE_REPLY];
    const decoder = createIntellivueDecoder();
    for (let n = 0; n < 20_000; n++) {
      const mutated = valid[n % 2]!.slice();
      const flips = 1 + Math.floor(random() * 3);
      for (let f = 0; f < flips; f++) {
        mutated[Math.floor(random() * mutated.length)] = Math.floor(random() * 256);
      }
      expect(() => readPollResult(mutated)).not.toThrow();
      expect(() => decoder.push(encodeIntellivueFrame(mutated))).not.toThrow();
      expect(decoder.takeReplies().length).toBeLessThanOrEqual(16);
    }
    expect(decoder.stats.framesBad).toBe(0);
    // A clean frame after all that still decodes: no state leaked from the damaged ones.
    expect(decoder.push(encodeIntellivueFrame(specExampleResult()))).toEqual([
      { samples: {}, numerics: { MDC_PULS_OXIM_SAT_O2: 98 }, flags: [] },
    ]);
    expect(decoder.push(INTELLIVUE_WAVE_EXAMPLE.bytes)).toEqual(INTELLIVUE_WAVE_EXAMPLE.frames);
  });

  it('drops a frame that grows past the size cap', () => {
    const deframer = new IntellivueDeframer();
    const long = new Uint8Array(INTELLIVUE_MAX_FRAME_BYTES + 10).fill(0x11);
    long[0] = 0xc0;
    deframer.push(long);
    expect(deframer.stats.framesBad).toBe(1);
    expect(deframer.push(encodeIntellivueFrame(Uint8Array.of(7)))).toEqual([Uint8Array.of(7)]);
  });
});

describe('IntelliVue wave decoder', () => {
  it("sends VSCapture's wave poll and RTSA priority SET byte for byte", () => {
    expect(INTELLIVUE_WAVE_POLL).toEqual(
      hex(
        'E1 00 00 02 00 01 00 28 00 01 00 07 00 22 00 21 00 00 00 00 00 00 00 00 F1 3B 00 14 ' +
          '00 02 00 01 00 09 00 00 00 01 00 08 F1 3E 00 04 00 03 A9 80',
      ),
    );
    // `set_rtsa_prio_msg`: the list holding ECG II alone.
    expect(rtsaPrioritySet([0x00020102])).toEqual(
      hex(
        'E1 00 00 02 00 01 00 22 00 00 00 05 00 1C 00 21 00 00 00 00 00 00 00 00 00 01 00 0E ' +
          '00 00 F2 3A 00 08 00 01 00 04 00 02 01 02',
      ),
    );
    expect(INTELLIVUE_WAVE_SELECTION.subarray(34)).toEqual(
      hex('00 03 00 0C 00 02 01 02 00 02 4B B4 00 02 50 00'),
    );
  });

  it('keeps the context of a handle for later replies and raw counts while no scale is known', () => {
    const [ecg] = SIMULATED_WAVES;
    if (!ecg) throw new Error('no simulated ECG');
    const counts = [8192, 8392, 8092];
    const decoder = createIntellivueDecoder();
    const bare = wavePollResult(1, 2, 1, 0, [{ wave: ecg, counts }], false);
    expect(decoder.push(encodeIntellivueFrame(bare))).toEqual([
      { samples: { INTELLIVUE_ECG_II_COUNTS: counts }, numerics: {}, flags: [] },
    ]);
    const first = wavePollResult(1, 2, 0, 0, [{ wave: ecg, counts }], true);
    expect(decoder.push(encodeIntellivueFrame(first))[0]?.samples).toEqual({
      MDC_ECG_ELEC_POTL_II: [0, 1000, -500],
    });
    expect(decoder.push(encodeIntellivueFrame(bare))[0]?.samples).toEqual({
      MDC_ECG_ELEC_POTL_II: [0, 1000, -500],
    });
  });

  it('flags and drops a wave whose sample period is not the channel rate', () => {
    const [ecg] = SIMULATED_WAVES;
    if (!ecg) throw new Error('no simulated ECG');
    const slow = { ...ecg, samplePeriodTicks: 32 };
    const result = wavePollResult(1, 2, 0, 0, [{ wave: slow, counts: [8192] }], true);
    expect(createIntellivueDecoder().push(encodeIntellivueFrame(result))).toEqual([
      { samples: {}, numerics: {}, flags: [FLAG_WAVE_RATE_UNEXPECTED] },
    ]);
  });

  it('asks for waves again before the poll period runs out, by the monitor clock', () => {
    const decoder = createIntellivueDecoder();
    decoder.push(encodeIntellivueFrame(mdsCreateEventReport(1, 1000)));
    decoder.takeReplies();
    const at = (ticks: number) => encodeIntellivueFrame(numericsPollResult(1, 1, ticks, []));
    decoder.push(at(1000 + WAVE_POLL_RENEW_TICKS - 1));
    expect(decoder.takeReplies()).toEqual([]);
    decoder.push(at(1000 + WAVE_POLL_RENEW_TICKS));
    expect(decoder.takeReplies()).toEqual([encodeIntellivueFrame(INTELLIVUE_WAVE_POLL)]);
    decoder.push(at(1000 + WAVE_POLL_RENEW_TICKS + 8000));
    expect(decoder.takeReplies()).toEqual([]);
  });

  it('declares the waves as channels in physical units and hidden raw channels', () => {
    expect(
      intellivueMib.descriptor.channels.map(({ key, unit, rateHz, scale, displayed }) => [
        key,
        unit,
        rateHz,
        scale,
        displayed,
      ]),
    ).toEqual([
      ['MDC_ECG_ELEC_POTL_II', 'mV', 500, 0.001, true],
      ['MDC_PULS_OXIM_PLETH', '1', 125, 0.001, true],
      ['INTELLIVUE_RESP', '1', 62.5, 0.001, true],
      ['INTELLIVUE_ECG_II_COUNTS', '{count}', 500, null, false],
      ['INTELLIVUE_PLETH_COUNTS', '{count}', 125, null, false],
      ['INTELLIVUE_RESP_COUNTS', '{count}', 62.5, null, false],
    ]);
  });
});
