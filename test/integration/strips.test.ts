// ECG strips with real parts: a real workstation and PGlite on disk. (a) MIT-BIH record 101 is
// imported as a bed, a patient admitted to it, and a manual strip printed through the api; the
// PDF is read back with poppler (page size, header text with the patient's name as typed, vector
// traces) and its first page rendered for the README; a second patient with an Arabic name
// likewise. (b) A HealthyPi 5 simulator on a real pseudo-terminal at SpO₂ 80 % raises a
// high-priority Desaturation alarm, which produces exactly one alarm strip. Only the device is
// simulated.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripMetadata } from '../../shared/api/contract-strips';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import {
  Healthypi5Simulator,
  recordingSource,
} from '../../electron/host/devices/simulators/healthypi5';
import { loadDemoRecordings } from '../../electron/host/devices/simulators/recordings';
import { openSerial } from '../../electron/host/devices/transports/serial';
import type { ByteTransport } from '../../electron/host/devices/transports/byte-transport';
import { healthypi5 } from '../../electron/host/devices/drivers/healthypi5';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import { stripTimeRange } from '../../electron/host/strips/strip-time';

const root = join(import.meta.dirname, '..', '..');
const demo = join(root, 'resources', 'demo');
const NURSE = { actor: 'nurse.test' };

function call<T>(workstation: Workstation, method: string, params: unknown): Promise<T> {
  return workstation.router.request(method, params, NURSE) as Promise<T>;
}

/** The page content streams of the PDF, inflated: the drawing operators (not the fonts). */
function contentStreams(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const streams: string[] = [];
  for (const match of text.matchAll(/\/Length (\d+)\n\/Filter \/FlateDecode\n>>\nstream\n/g)) {
    const start = match.index + match[0].length;
    const stream = inflateSync(pdf.subarray(start, start + Number(match[1]))).toString('latin1');
    if (/\bBT\b[\s\S]*\bET\b/.test(stream)) streams.push(stream);
  }
  return streams;
}

const ADMISSION = { birthDate: '1958-03-14', category: 'adult' } as const;

async function waitFor<T>(what: string, check: () => Promise<T | null>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('a manual strip of an imported record', () => {
  let dir: string;
  let workstation: Workstation;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-strips-'));
    workstation = await startWorkstation({
      dataDir: join(dir, 'data'),
      devices: [],
      log: () => {},
    });
  });
  afterAll(async () => {
    await workstation?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints 20 s at 25 mm/s and 10 mm/mV on an A4 page poppler can read', async () => {
    const startMs = Date.now() - 10 * 60_000;
    const imported = await call<{ bedId: string }>(workstation, 'importRecord', {
      bedLabel: 'Review 101',
      header: readFileSync(join(demo, 'mitbih-101-5min.hea')).toString('base64'),
      signals: readFileSync(join(demo, 'mitbih-101-5min.dat')).toString('base64'),
      startMs,
    });
    // The name as the nurse types it: Cyrillic, Vietnamese and Chinese in one.
    // The imported record's bed is bed-review-101; the admission makes it a live bed, by label.
    await call(workstation, 'admitPatient', {
      bedLabel: 'Review 101',
      familyName: 'Ковалёва',
      givenName: 'Đặng 王',
      mrn: 'MRN-Ω-0101',
      ...ADMISSION,
    });
    const endMs = startMs + 95_000;
    const strip = await call<StripMetadata>(workstation, 'printStrip', {
      bedId: imported.bedId,
      endMs,
    });
    expect(strip).toMatchObject({
      bedId: imported.bedId,
      kind: 'manual',
      alarmId: null,
      fromMs: endMs - 20_000,
      toMs: endMs,
      actor: 'nurse.test',
    });

    const listed = await call<StripMetadata[]>(workstation, 'listStrips', {
      bedId: imported.bedId,
    });
    expect(listed.map((s) => s.id)).toEqual([strip.id]);
    const { metadata, pdfBase64 } = await call<{ metadata: StripMetadata; pdfBase64: string }>(
      workstation,
      'getStrip',
      { id: strip.id },
    );
    expect(metadata).toEqual(strip);
    const pdf = Buffer.from(pdfBase64, 'base64');
    const file = join(dir, 'strip.pdf');
    writeFileSync(file, pdf);

    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Pages:\s+1\n/);
    expect(info).toMatch(/Page size:\s+841.89 x 595.276 pts \(A4\)/);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Manual strip');
    expect(text).toMatch(/Bed: Review 101\s+Patient: Ковалёва, Đặng 王\s+MRN: MRN-Ω-0101/);
    expect(text).not.toContain('?');
    expect(text).toContain('Paper speed 25 mm/s');
    expect(text).toContain('ECG gain 10 mm/mV');
    // The span once, in the workstation's local time with its offset from UTC.
    expect(text).toContain(`${stripTimeRange(endMs - 20_000, endMs)}, 20 s`);
    expect(text).toMatch(/MLII\s+10 mm\/mV/);
    expect(text).toMatch(/V1\s+10 mm\/mV/);
    expect(text).toContain('by nurse.test');
    expect(text).toContain('A wave cut at the edge of the paper: it is taller than drawn.');

    // Two leads × two 10 s rows at 360 Hz: four polylines of 3600 points, vector, not images.
    const [content] = contentStreams(pdf);
    const lineCounts = content!.split(/\nS\n?/).map((p) => p.match(/ l$/gm)?.length ?? 0);
    expect(lineCounts.filter((n) => n >= 3590)).toHaveLength(4);
    expect(pdf.toString('latin1')).not.toMatch(/\/Subtype \/Image/);

    const screenshots = join(root, 'test-results', 'screenshots');
    mkdirSync(screenshots, { recursive: true });
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '100',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      file,
      join(screenshots, 'strip'),
    ]);
    const png = readFileSync(join(screenshots, 'strip.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    mkdirSync(join(root, 'docs', 'screenshots'), { recursive: true });
    copyFileSync(join(screenshots, 'strip.png'), join(root, 'docs', 'screenshots', 'strip.png'));
  });

  it('prints an Arabic name shaped and right to left', async () => {
    await call(workstation, 'dischargePatient', { bedId: 'bed-review-101' });
    await call(workstation, 'admitPatient', {
      bedLabel: 'Review 101',
      familyName: 'الحسيني',
      givenName: 'فاطمة',
      mrn: 'MRN-0102',
      ...ADMISSION,
    });
    const strip = await call<StripMetadata>(workstation, 'printStrip', {
      bedId: 'bed-review-101',
      endMs: Date.now() - 10 * 60_000 + 60_000,
    });
    const { pdfBase64 } = await call<{ pdfBase64: string }>(workstation, 'getStrip', {
      id: strip.id,
    });
    const file = join(dir, 'arabic.pdf');
    writeFileSync(file, Buffer.from(pdfBase64, 'base64'));
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    // Each word in the order typed; poppler reads the visual order back.
    expect(text).toContain('الحسيني');
    expect(text).toContain('فاطمة');
    expect(text).toContain('MRN: MRN-0102');
    // On the page the family name, typed first, is rightmost: it is read first.
    const bbox = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
    const xOf = (word: string) => {
      const visual = [...word].reverse().join('');
      const found = new RegExp(`<word xMin="([\\d.]+)"[^>]*>[^<]*${visual}`).exec(bbox);
      return Number(found?.[1]);
    };
    expect(xOf('الحسيني')).toBeGreaterThan(xOf('فاطمة'));
  });

  it('refuses a strip of a bed that does not exist and one that ends in the future', async () => {
    await expect(call(workstation, 'printStrip', { bedId: 'bed-nowhere' })).rejects.toThrow(
      /There is no bed "bed-nowhere"/,
    );
    await expect(
      call(workstation, 'printStrip', { bedId: 'bed-review-101', endMs: Date.now() + 60_000 }),
    ).rejects.toThrow(/cannot end in the future/);
    await expect(call(workstation, 'getStrip', { id: 'not-a-strip' })).rejects.toThrow(
      /does not exist/,
    );
  });
});

describe('an automatic alarm strip', () => {
  let dir: string;
  let pair: PtyPair;
  let workstation: Workstation;
  let port: ByteTransport | undefined;
  let simulator: Healthypi5Simulator | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-alarm-strips-'));
    pair = await openPtyPair(dir, 'hp5');
    workstation = await startWorkstation({
      dataDir: join(dir, 'data'),
      devices: [{ driver: 'healthypi5', path: pair.devicePath, bed: 'Bed 7' }],
      log: () => {},
    });
  });
  afterAll(async () => {
    simulator?.stop();
    await port?.close().catch(() => {});
    await workstation?.stop();
    await pair?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints exactly one strip of 10 s before and after a Desaturation alarm', async () => {
    // Let the host open its end first, as a device plugged into a running workstation would.
    await new Promise((r) => setTimeout(r, 500));
    port = await openSerial(pair.simulatorPath, healthypi5.descriptor.serial!, {
      onData: () => {},
      onLost: () => {},
    });
    const devicePort = port;
    simulator = new Healthypi5Simulator({
      // The demo's real recordings (MIT-BIH 101, BIDMC 01): a synthetic pleth reads as saturated.
      source: recordingSource(await loadDemoRecordings(demo)),
      vitals: { hr: 72, spo2: 80, rr: 15, tempC: 36.6 },
      write: (bytes) => void devicePort.write(bytes).catch(() => {}),
    });
    simulator.start();

    const bed = [...workstation.beds.values()].find((b) => b.label === 'Bed 7')!;
    const alarm = await waitFor(
      'the Desaturation alarm',
      async () =>
        bed.alarms.list().find((a) => a.priority === 'high' && /Desaturation/.test(a.message)) ??
        null,
      30_000,
    );
    const strips = await waitFor(
      'the alarm strip',
      async () => {
        const listed = await call<StripMetadata[]>(workstation, 'listStrips', { bedId: bed.id });
        return listed.length > 0 ? listed : null;
      },
      20_000,
    );
    // It is not printed before the 10 s after the alarm have been stored.
    expect(Date.now()).toBeGreaterThanOrEqual(alarm.since + 10_000);
    // Still one a while later: the alarm goes on sounding and is seen again and again.
    await new Promise((r) => setTimeout(r, 3000));
    const later = await call<StripMetadata[]>(workstation, 'listStrips', { bedId: bed.id });
    expect(later).toEqual(strips);
    expect(later).toHaveLength(1);
    expect(later[0]).toMatchObject({
      kind: 'alarm',
      alarmId: alarm.id,
      alarmMessage: alarm.message,
      fromMs: alarm.since - 10_000,
      toMs: alarm.since + 10_000,
      actor: 'workstation',
    });

    const { pdfBase64 } = await call<{ pdfBase64: string }>(workstation, 'getStrip', {
      id: later[0]!.id,
    });
    const file = join(dir, 'alarm-strip.pdf');
    writeFileSync(file, Buffer.from(pdfBase64, 'base64'));
    const screenshots = join(root, 'test-results', 'screenshots');
    mkdirSync(screenshots, { recursive: true });
    const png = join(screenshots, 'alarm-strip');
    execFileSync('pdftoppm', ['-png', '-r', '100', '-f', '1', '-l', '1', '-singlefile', file, png]);
    copyFileSync(`${png}.png`, join(root, 'docs', 'screenshots', 'alarm-strip.png'));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Alarm strip: Desaturation');
    expect(text).toContain('Bed: Bed 7');
    expect(text).toMatch(/At the alarm: .*SpO₂ 80 %/);
    expect(text).toMatch(/ECG\s+uncalibrated/);
    expect(text).toMatch(/Pleth \(IR\)\s+uncalibrated/);
    expect(text).toMatch(/Resp \(BioZ\)\s+uncalibrated/);
    // The ECG after the alarm was stored: the second row's trace is there (128 Hz × 10 s).
    const pdf = Buffer.from(pdfBase64, 'base64');
    const lineCounts = contentStreams(pdf)[0]!
      .split(/\nS\n?/)
      .map((p) => p.match(/ l$/gm)?.length ?? 0);
    expect(lineCounts.filter((n) => n >= 1200).length).toBeGreaterThanOrEqual(2);
  }, 90_000);
});
