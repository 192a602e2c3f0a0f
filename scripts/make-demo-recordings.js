#!/usr/bin/env node
// Cuts the demo recordings in resources/demo/ from the PhysioNet files in ../shared/data/:
// the first 5 minutes of MIT-BIH record 101 (WFDB, format 212) and of BIDMC record 01's RESP and
// PLETH columns (CSV). Both are ODC-By 1.0: resources/demo/NOTICE.md carries the attribution.
// Usage: node scripts/make-demo-recordings.js   (no dependencies; safe to re-run)

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEMO_SECONDS = 5 * 60;
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(repoRoot, '../shared/data');
const outDir = resolve(repoRoot, 'resources/demo');

const MITBIH_SOURCE = resolve(dataDir, 'mitbih/101');
const BIDMC_SOURCE = resolve(dataDir, 'bidmc/bidmc_01_Signals.csv');
const ECG_RECORD = 'mitbih-101-5min';
const PLETH_RESP_FILE = 'bidmc-01-5min.csv';

function fail(message) {
  console.error(`make-demo-recordings: ${message}`);
  process.exit(1);
}

function signExtend12(value) {
  return value & 0x800 ? value - 0x1000 : value;
}

/** Format 212 → interleaved samples (frame-major: s0 of signal 0, s0 of signal 1, …). */
function decode212(bytes, sampleCount) {
  const samples = new Int16Array(sampleCount);
  for (let n = 0; n < sampleCount; n++) {
    const at = Math.floor(n / 2) * 3;
    const value =
      n % 2 === 0
        ? bytes[at] | ((bytes[at + 1] & 0x0f) << 8)
        : bytes[at + 2] | ((bytes[at + 1] & 0xf0) << 4);
    samples[n] = signExtend12(value);
  }
  return samples;
}

/** Interleaved samples → format 212 (an even count, as with two signals). */
function encode212(samples) {
  const bytes = new Uint8Array((samples.length / 2) * 3);
  for (let n = 0; n < samples.length; n += 2) {
    const first = samples[n] & 0xfff;
    const second = samples[n + 1] & 0xfff;
    const at = (n / 2) * 3;
    bytes[at] = first & 0xff;
    bytes[at + 1] = ((first >> 8) & 0x0f) | ((second >> 4) & 0xf0);
    bytes[at + 2] = second & 0xff;
  }
  return bytes;
}

/** WFDB checksum: sum of a signal's samples mod 2^16, as a signed 16-bit number. */
function checksum(samples, signal, signalCount) {
  let sum = 0;
  for (let n = signal; n < samples.length; n += signalCount) sum = (sum + samples[n]) & 0xffff;
  return sum >= 0x8000 ? sum - 0x10000 : sum;
}

function cutMitbih() {
  const headerLines = readFileSync(`${MITBIH_SOURCE}.hea`, 'utf8').split(/\r?\n/);
  const [recordName, nsig, fs] = headerLines[0].trim().split(/\s+/);
  const signalCount = Number(nsig);
  const samplingHz = Number(fs);
  if (recordName !== '101' || signalCount !== 2 || samplingHz !== 360) {
    fail(`unexpected record line "${headerLines[0]}" in ${MITBIH_SOURCE}.hea`);
  }
  const signalLines = headerLines.slice(1, 1 + signalCount).map((line) => line.trim().split(/\s+/));
  if (signalLines.some((fields) => fields[1] !== '212')) fail('record 101 is not format 212');

  const frames = DEMO_SECONDS * samplingHz;
  const source = readFileSync(`${MITBIH_SOURCE}.dat`);
  const samples = decode212(source, frames * signalCount);
  const dat = encode212(samples);
  // Format 212 packs whole sample pairs, so the cut must equal the source's first bytes.
  if (Buffer.compare(Buffer.from(dat), source.subarray(0, dat.length)) !== 0) {
    fail('re-encoded format 212 differs from the source bytes');
  }

  const header = [
    `${ECG_RECORD} ${signalCount} ${samplingHz} ${frames}`,
    ...signalLines.map((fields, signal) => {
      const [, format, gain, bitres, zero, , , blockSize, ...description] = fields;
      const first = samples[signal];
      const sum = checksum(samples, signal, signalCount);
      return [
        `${ECG_RECORD}.dat`,
        format,
        gain,
        bitres,
        zero,
        first,
        sum,
        blockSize,
        ...description,
      ].join(' ');
    }),
    ...headerLines.slice(1 + signalCount).filter((line) => line.startsWith('#')),
    `# First ${DEMO_SECONDS} s of MIT-BIH Arrhythmia Database record 101 (PhysioNet, ODC-By 1.0).`,
    '',
  ].join('\n');

  writeFileSync(resolve(outDir, `${ECG_RECORD}.hea`), header);
  writeFileSync(resolve(outDir, `${ECG_RECORD}.dat`), dat);
  return { frames, bytes: dat.length };
}

/**
 * RESP as published is clipped at 0 and 1 (the tops and bottoms of deep breaths). Each run of
 * samples at exactly 0 or 1 that starts inside the cut is replaced by a cubic Hermite curve
 * joining the samples on either side of it (the source past the cut included), with the slope of
 * the 4 samples beyond each edge; the curve's excursion past the clip is scaled down to 0.3 where
 * it is larger. Every other sample is the published one.
 */
function unclip(resp, cutRows) {
  const out = resp.slice();
  const HUMP_MAX = 0.3;
  let runs = 0;
  let clipped = 0;
  for (let a = 0; a < cutRows; a++) {
    const level = resp[a];
    if (level !== 0 && level !== 1) continue;
    let b = a;
    while (b + 1 < resp.length && resp[b + 1] === level) b++;
    if (a < 5 || b + 5 >= resp.length) fail(`a clipped run at row ${a} has no 4 samples beyond it`);
    const p0 = resp[a - 1];
    const p1 = resp[b + 1];
    const m0 = (resp[a - 1] - resp[a - 5]) / 4;
    const m1 = (resp[b + 5] - resp[b + 1]) / 4;
    const n = b - a + 2;
    const excursion = [];
    for (let k = 1; k < n; k++) {
      const t = k / n;
      const h00 = 2 * t ** 3 - 3 * t ** 2 + 1;
      const h10 = t ** 3 - 2 * t ** 2 + t;
      const h01 = -2 * t ** 3 + 3 * t ** 2;
      const h11 = t ** 3 - t ** 2;
      excursion.push(h00 * p0 + h10 * n * m0 + h01 * p1 + h11 * n * m1 - level);
    }
    const largest = Math.max(...excursion.map(Math.abs));
    const scale = largest > HUMP_MAX ? HUMP_MAX / largest : 1;
    excursion.forEach((e, k) => (out[a + k] = level + e * scale));
    runs += 1;
    clipped += Math.min(b, cutRows - 1) - a + 1;
    a = b;
  }
  return { resp: out, runs, clipped };
}

function cutBidmc() {
  const lines = readFileSync(BIDMC_SOURCE, 'utf8').split(/\r?\n/);
  const columns = lines[0].split(',').map((name) => name.trim());
  const respColumn = columns.indexOf('RESP');
  const plethColumn = columns.indexOf('PLETH');
  const samplingHz = Number(lines[1]?.split(',')[0]);
  if (respColumn < 0 || plethColumn < 0 || samplingHz !== 125) {
    fail(`unexpected columns or rate in ${BIDMC_SOURCE}: "${lines[0]}"`);
  }
  const rows = DEMO_SECONDS * samplingHz;
  const published = [];
  const pleth = [];
  for (let i = 0; 1 + i < lines.length && lines[1 + i] !== ''; i++) {
    const fields = lines[1 + i].split(',');
    const r = fields[respColumn]?.trim();
    const p = fields[plethColumn]?.trim();
    if (!r || !p) fail(`row ${i + 1} of ${BIDMC_SOURCE} has no RESP or PLETH value`);
    published.push(Number(r));
    pleth.push(p);
  }
  if (published.length < rows) fail(`${BIDMC_SOURCE} is shorter than ${DEMO_SECONDS} s`);
  const { resp, runs, clipped } = unclip(published, rows);
  // Rescaled to 0..1 over the cut, as the published trace was.
  const cut = resp.slice(0, rows);
  const low = Math.min(...cut);
  const high = Math.max(...cut);
  const out = ['time_s,resp,pleth'];
  for (let i = 0; i < rows; i++) {
    const value = Math.round(((cut[i] - low) / (high - low)) * 1e5) / 1e5;
    // The source rounds its time column to 5 significant digits; the sample index is exact.
    out.push(`${(i * 1000) / samplingHz / 1000},${value},${pleth[i]}`);
  }
  writeFileSync(resolve(outDir, PLETH_RESP_FILE), out.join('\n') + '\n');
  return { rows, runs, clipped, low, high };
}

mkdirSync(outDir, { recursive: true });
const ecg = cutMitbih();
const plethResp = cutBidmc();
console.log(
  `wrote ${ECG_RECORD}.hea/.dat (${ecg.frames} frames, ${ecg.bytes} bytes) and ` +
    `${PLETH_RESP_FILE} (${plethResp.rows} rows; ${plethResp.clipped} clipped RESP samples in ` +
    `${plethResp.runs} runs reconstructed, rescaled from ${plethResp.low.toFixed(3)}..` +
    `${plethResp.high.toFixed(3)}) to ${outDir}`,
);
