// The waveform codec (shared/codec) on real ECG: MIT-BIH DS1 through the chunks the store keeps.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { decodeFormat212, readWfdbHeader } from '../devices/simulators/wfdb';
import { decodeChunk, encodeChunk } from '../../../shared/codec/chunk-codec';
import {
  FROM_SHARED_DATA,
  describeWhere,
  missingFiles,
  referenceData,
} from '../../../test/support/requirements';

// MIT-BIH DS1 lives beside the repository, not in it: skipped where it is absent, failed in CI.
const MITBIH_DIR = referenceData('mitbih');
const DS1 =
  '101 106 108 109 112 114 115 116 118 119 122 124 201 203 205 207 208 209 215 220 223 230'.split(
    ' ',
  );
const CHUNK_SECONDS = 10;
const MITBIH_MISSING = missingFiles(
  DS1.flatMap((record) => [`${MITBIH_DIR}/${record}.hea`, `${MITBIH_DIR}/${record}.dat`]),
  FROM_SHARED_DATA,
);

describeWhere(MITBIH_MISSING, 'MIT-BIH DS1', () => {
  it('round-trips all 22 records bit-exactly in ≤ 0.75 bytes a sample (format 212 takes 1.5)', () => {
    let bytes = 0;
    let sampleCount = 0;
    for (const record of DS1) {
      const header = readWfdbHeader(readFileSync(`${MITBIH_DIR}/${record}.hea`, 'utf8'));
      const signals = decodeFormat212(
        readFileSync(`${MITBIH_DIR}/${record}.dat`),
        header.signalCount,
      );
      const perChunk = header.samplingHz * CHUNK_SECONDS;
      signals.forEach((signal, s) => {
        const spec = header.signals[s]!;
        const samples = Int32Array.from(signal);
        for (let start = 0; start < samples.length; start += perChunk) {
          const part = samples.subarray(start, start + perChunk);
          const chunk = encodeChunk(
            {
              channel: `${record}.${spec.description}`,
              rateHz: header.samplingHz,
              t0Ms: (start * 1000) / header.samplingHz,
              rawPerUnit: spec.gainPerUnit,
              baselineRaw: spec.zeroAdu,
            },
            part,
          );
          const decoded = decodeChunk(chunk).samples;
          expect(
            Buffer.from(decoded.buffer).equals(Buffer.from(part.slice().buffer)),
            `${record} ${s} @${start}`,
          ).toBe(true);
          bytes += chunk.length;
          sampleCount += part.length;
        }
      });
    }
    expect(sampleCount).toBe(22 * 2 * 650_000);
    expect(bytes / sampleCount).toBeLessThanOrEqual(0.75);
  });
});
