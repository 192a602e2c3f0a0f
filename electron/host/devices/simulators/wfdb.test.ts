import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeFormat212, readWfdbHeader, wfdbChecksum, type WfdbHeader } from './wfdb';
import {
  FROM_SHARED_DATA,
  itWhere,
  missingFiles,
  referenceData,
} from '../../../../test/support/requirements';

const MITBIH_101 = referenceData('mitbih', '101');
const DEMO_CUT = fileURLToPath(
  new URL('../../../../resources/demo/mitbih-101-5min', import.meta.url),
);

function readRecord(base: string): { header: WfdbHeader; signals: Int16Array[] } {
  const header = readWfdbHeader(readFileSync(`${base}.hea`, 'utf8'));
  const signals = decodeFormat212(readFileSync(`${base}.dat`), header.signalCount);
  return { header, signals };
}

/** Every signal matches its header line: length, first value and checksum. */
function expectMatchesHeader({ header, signals }: ReturnType<typeof readRecord>): void {
  expect(signals).toHaveLength(header.signalCount);
  header.signals.forEach((spec, i) => {
    const samples = signals[i] ?? new Int16Array(0);
    expect(samples.length, spec.description).toBe(header.sampleCount);
    expect(samples[0], spec.description).toBe(spec.firstValueAdu);
    expect(wfdbChecksum(samples), spec.description).toBe(spec.checksum);
  });
}

describe('format 212', () => {
  it('unpacks two 12-bit samples from three bytes and sign-extends them', () => {
    // s0 = 0xFFF (-1), s1 = 0x123; then s0 = 0x800 (-2048), s1 = 0x7FF (2047)
    const bytes = Uint8Array.of(0xff, 0x1f, 0x23, 0x00, 0x78, 0xff);
    const [first, second] = decodeFormat212(bytes, 2);
    expect(Array.from(first ?? [])).toEqual([-1, -2048]);
    expect(Array.from(second ?? [])).toEqual([0x123, 2047]);
  });

  it('reads one signal, and a trailing half pair', () => {
    const [only] = decodeFormat212(Uint8Array.of(0x01, 0x20, 0x03, 0x04, 0x00), 1);
    expect(Array.from(only ?? [])).toEqual([1, 0x203, 4]);
  });

  it('computes the checksum as a signed 16-bit sum', () => {
    expect(wfdbChecksum([32767, 1])).toBe(-32768);
    expect(wfdbChecksum([-1, -1])).toBe(-2);
    expect(wfdbChecksum([])).toBe(0);
  });
});

describe('readWfdbHeader', () => {
  it('reads the optional gain, baseline and unit forms and the comments', () => {
    const header = readWfdbHeader(
      'rec 2 250/1000 10\r\nrec.dat 212 100(5)/uV 12 5 1 2 0 ECG lead II\nrec.dat 212\n# age 40\n',
    );
    expect(header).toMatchObject({ recordName: 'rec', signalCount: 2, samplingHz: 250 });
    expect(header.signals[0]).toMatchObject({
      gainPerUnit: 100,
      unit: 'uV',
      zeroAdu: 5,
      description: 'ECG lead II',
    });
    expect(header.signals[1]).toMatchObject({ gainPerUnit: 200, unit: 'mV', zeroAdu: 0 });
    expect(header.comments).toEqual(['age 40']);
  });

  it('says which line is wrong', () => {
    expect(() => readWfdbHeader('')).toThrow(/no record line/);
    expect(() => readWfdbHeader('rec 2 360 10\nrec.dat 212 200 11 1024\n')).toThrow(
      /2 signals declared, 1 described/,
    );
    expect(() => readWfdbHeader('rec 1 360 10\nrec.dat x')).toThrow(/format .*"rec.dat x"/);
    expect(() => readWfdbHeader('rec/2 1 360 10')).toThrow(/multi-segment/);
  });
});

describe('real records', () => {
  const missing = missingFiles([`${MITBIH_101}.hea`, `${MITBIH_101}.dat`], FROM_SHARED_DATA);

  itWhere(missing, "MIT-BIH 101 decodes to its header's first values and checksums", () => {
    const record = readRecord(MITBIH_101);
    expect(record.header).toMatchObject({
      recordName: '101',
      samplingHz: 360,
      sampleCount: 650000,
    });
    expect(record.header.signals.map((s) => [s.description, s.checksum])).toEqual([
      ['MLII', 29832],
      ['V1', 19589],
    ]);
    expectMatchesHeader(record);
  });

  it('the 5-minute demo cut decodes to its header, with 5 min × 360 Hz samples', () => {
    const record = readRecord(DEMO_CUT);
    expect(record.header).toMatchObject({ recordName: 'mitbih-101-5min', sampleCount: 300 * 360 });
    expectMatchesHeader(record);
  });

  itWhere(missing, 'the demo cut is exactly the first 5 minutes of MIT-BIH 101', () => {
    const original = readRecord(MITBIH_101);
    const cut = readRecord(DEMO_CUT);
    cut.signals.forEach((samples, i) => {
      expect(samples).toEqual(original.signals[i]?.subarray(0, samples.length));
    });
  });
});
