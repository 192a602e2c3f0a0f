// Waveform chunk codec on MIT-BIH DS1 (22 records × 2 leads × 30 min, 360 Hz): bytes per sample
// against WFDB format 212's 1.5, and encode/decode speed, in 10 s chunks per channel as stored.
import { existsSync, readFileSync } from 'node:fs';
import { referenceData } from '../support/reference-data';
import { decodeChunk, encodeChunk } from '../../shared/codec/chunk-codec';
import { decodeFormat212, readWfdbHeader } from '../../electron/host/devices/simulators/wfdb';
import { median, round } from './stats';

const MITBIH_DIR = referenceData('mitbih');
const DS1 =
  '101 106 108 109 112 114 115 116 118 119 122 124 201 203 205 207 208 209 215 220 223 230'.split(
    ' ',
  );
const CHUNK_SECONDS = 10;
const FORMAT_212_BYTES_PER_SAMPLE = 1.5;

interface Ds1Record {
  record: string;
  /** Samples of every lead cut into CHUNK_SECONDS pieces. */
  chunks: Int32Array[];
  rateHz: number;
}

function readDs1(): Ds1Record[] {
  return DS1.map((record) => {
    const header = readWfdbHeader(readFileSync(`${MITBIH_DIR}/${record}.hea`, 'utf8'));
    const signals = decodeFormat212(
      readFileSync(`${MITBIH_DIR}/${record}.dat`),
      header.signalCount,
    );
    const perChunk = header.samplingHz * CHUNK_SECONDS;
    const chunks = signals.flatMap((signal) => {
      const samples = Int32Array.from(signal);
      const parts: Int32Array[] = [];
      for (let at = 0; at < samples.length; at += perChunk)
        parts.push(samples.subarray(at, at + perChunk));
      return parts;
    });
    return { record, chunks, rateHz: header.samplingHz };
  });
}

const headerFor = (record: Ds1Record, i: number) => ({
  channel: `${record.record}.${i}`,
  rateHz: record.rateHz,
  t0Ms: i * CHUNK_SECONDS * 1000,
  rawPerUnit: 200,
  baselineRaw: 1024,
});

/** JSON-line records for `npm run bench`: compression on DS1, then encode and decode speed. */
export function codecBench(
  runs: number,
  machine: Record<string, unknown>,
): Record<string, unknown>[] {
  if (!existsSync(`${MITBIH_DIR}/101.hea`)) {
    return [{ bench: 'codec.ds1', skipped: `MIT-BIH DS1 not found at ${MITBIH_DIR}`, machine }];
  }
  const records = readDs1();
  const sampleCount = records.reduce(
    (sum, r) => sum + r.chunks.reduce((s, c) => s + c.length, 0),
    0,
  );

  const perRecord: Record<string, number> = {};
  let totalBytes = 0;
  const encoded = records.map((record) => {
    const chunks = record.chunks.map((samples, i) => encodeChunk(headerFor(record, i), samples));
    const bytes = chunks.reduce((sum, c) => sum + c.length, 0);
    const samples = record.chunks.reduce((sum, c) => sum + c.length, 0);
    perRecord[record.record] = round(bytes / samples, 4);
    totalBytes += bytes;
    return chunks;
  });

  const encodeRuns: number[] = [];
  const decodeRuns: number[] = [];
  for (let run = 0; run < runs; run++) {
    let start = performance.now();
    for (const record of records)
      record.chunks.forEach((s, i) => encodeChunk(headerFor(record, i), s));
    encodeRuns.push(sampleCount / 1e6 / ((performance.now() - start) / 1000));
    start = performance.now();
    for (const chunks of encoded) for (const chunk of chunks) decodeChunk(chunk);
    decodeRuns.push(sampleCount / 1e6 / ((performance.now() - start) / 1000));
  }

  const bytesPerSample = totalBytes / sampleCount;
  return [
    {
      bench: 'codec.ds1.size',
      what: `MIT-BIH DS1, ${DS1.length} records × 2 leads, ${CHUNK_SECONDS} s chunks with headers and CRC`,
      unit: 'bytes/sample',
      median: round(bytesPerSample, 4),
      format212: FORMAT_212_BYTES_PER_SAMPLE,
      ofFormat212: round(bytesPerSample / FORMAT_212_BYTES_PER_SAMPLE, 3),
      samples: sampleCount,
      perRecord,
      machine,
    },
    {
      bench: 'codec.ds1.encode',
      what: `encodeChunk over MIT-BIH DS1 in ${CHUNK_SECONDS} s chunks`,
      unit: 'M samples/s',
      median: round(median(encodeRuns)),
      runs: encodeRuns.map((r) => round(r)),
      machine,
    },
    {
      bench: 'codec.ds1.decode',
      what: `decodeChunk (CRC check included) over MIT-BIH DS1 in ${CHUNK_SECONDS} s chunks`,
      unit: 'M samples/s',
      median: round(median(decodeRuns)),
      runs: decodeRuns.map((r) => round(r)),
      machine,
    },
  ];
}
