// Exports from the screen, through the contract's requests and stream, on a real store on disk:
// 26 hours of a bed (longer than the old 24 h limit) written into the exports folder with its
// progress followed by id, owner-only, never replacing a file; every bad request refused with a
// sentence; cancelled, failed and disk-full exports leave nothing; each start and end audited.
// Sealed at rest: `strings` finds neither the patient's name nor MRN in the exports folder (their
// note is in the record), yet the file given to a screen allowed to export holds them; a screen
// without the permission is refused, and each download is audited.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportStatus } from '../../../shared/api/contract-exports';
import { ApiError } from '../../../shared/api/errors';
import { createRouter, type ApiHandlers, type ApiRouter, type CallAudit } from '../api/router';
import { exportHandlers } from '../api/export-handlers';
import { openStore, type AuditEventToStore, type Store } from '../store/client';
import { freshStoreDir } from '../store/store-template.test-support';
import { BedExports, type BedExportsOptions } from './bed-exports';
import { readEdf } from './edf-read';
import { readWfdb } from './wfdb';
import { canMountTmpfs, mountTmpfs, unmountTmpfs } from '../../../test/support/small-disk';
import { waitFor } from '../../../test/support/wait-for';
import { Access } from '../access/access';
import { stringsFind } from '../store/encryption/test-support';
import { exportsKeyOf } from './sealed-file';
import { openSealedFile } from './sealed-file-reader';

const HOUR_MS = 3_600_000;
const BED = 'bed-holter';
const LABEL = 'Holter 1';
const ECG = { channel: 'ecg', rateHz: 4, scale: 0.005, unit: 'mV', label: 'ECG II' };
const RESP = { channel: 'resp', rateHz: 1, scale: 0.1, unit: 'Ohm', label: 'Resp' };
const HOURS = 26;
const GAP = { fromH: 10, toH: 11 };
const ecgAt = (n: number) => ((n * 37) % 2001) - 1000;
const respAt = (n: number) => ((n * 13) % 501) - 250;
const USER = { actor: 'nurse.test' };
const KEY = exportsKeyOf(randomBytes(32));
// A fictional patient whose name and MRN a note in the record carries.
const PATIENT = { name: 'Quillfeather, Ottoline', mrn: 'QFX40417' };
const NOTE = `${PATIENT.name} (MRN ${PATIENT.mrn}) turned onto her left side`;

/** The plain bytes of a sealed export file, opened with the key. */
async function plainOf(path: string, key: Uint8Array = KEY): Promise<Buffer> {
  const file = await openSealedFile(path, key, path);
  try {
    const parts: Buffer[] = [];
    for await (const chunk of file.chunks()) parts.push(chunk);
    return Buffer.concat(parts);
  } finally {
    await file.close();
  }
}

describe('exports from the screen', () => {
  let folder: string;
  let store: Store;
  let startMs: number;
  let endMs: number;
  const audit: AuditEventToStore[] = [];
  const logged: string[] = [];
  const routerAudit: CallAudit[] = [];

  /** Exports over the real store, as the workstation makes them, with options a test changes. */
  function exportsWith(options: Partial<BedExportsOptions> = {}) {
    const exports = new BedExports({
      store: storeOf(),
      folder: join(folder, 'exports'),
      sealKey: KEY,
      keptMs: 72 * HOUR_MS,
      log: (message) => logged.push(message),
      bedOf: async (bedId) =>
        bedId === BED
          ? { label: LABEL, patient: `${PATIENT.name} (MRN ${PATIENT.mrn})`, stayFromMs: null }
          : null,
      ...options,
    });
    const handlers = exportHandlers(exports);
    const router = createRouter(
      { requests: handlers.requests, streams: handlers.streams } as unknown as ApiHandlers,
      (message) => logged.push(message),
      { audit: (entry) => routerAudit.push(entry) },
    );
    return { exports, router };
  }

  /** Follows an export by id until it ends; every status seen, in order. */
  async function followToEnd(router: ApiRouter, exportId: string): Promise<ExportStatus[]> {
    const seen: ExportStatus[] = [];
    const stop = router.subscribe('exportProgress', { exportId }, (event) =>
      seen.push(event as ExportStatus),
    );
    try {
      await waitFor('the export to end', () => seen.at(-1)?.state !== 'running', 60_000);
    } finally {
      stop();
    }
    return seen;
  }

  async function refusal(promise: Promise<unknown>): Promise<ApiError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }

  beforeAll(async () => {
    const made = await freshStoreDir('ws-bed-exports-');
    folder = made.folder;
    store = await openStore({ dataDir: made.dataDir, workstationId: 'ws-test' });
    startMs = Math.floor((Date.now() - 27 * HOUR_MS) / 1000) * 1000;
    endMs = startMs + HOURS * HOUR_MS;
    await store.recordChannels([ECG, RESP].map((c) => ({ bedId: BED, deviceId: 'dev-a', ...c })));
    for (const { channel, rateHz, at } of [
      { ...ECG, at: ecgAt },
      { ...RESP, at: respAt },
    ]) {
      // Two runs, either side of the hour without signal.
      for (const [fromH, toH] of [
        [0, GAP.fromH],
        [GAP.toH, HOURS],
      ] as const) {
        const first = fromH * 3600 * rateHz;
        const values = Array.from({ length: (toH - fromH) * 3600 * rateHz }, (_, k) =>
          at(first + k),
        );
        await store.storeWaveform({
          bedId: BED,
          deviceId: 'dev-a',
          channel,
          rateHz,
          t0: startMs + fromH * HOUR_MS,
          values,
        });
      }
    }
    await store.appendAnnotations([
      { bedId: BED, atMs: startMs + 30 * 60_000, kind: 'note', text: NOTE, actor: 'nurse.test' },
    ]);
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('writes the whole stored record (26 h) into the exports folder, owner-only, followed by id', async () => {
    const { router, exports } = exportsWith();
    const started = (await router.request(
      'startExport',
      { bedId: BED, format: 'wfdb' },
      USER,
    )) as ExportStatus;
    expect(started).toMatchObject({
      state: 'running',
      bedLabel: LABEL,
      fromMs: startMs,
      toMs: endMs,
      actor: 'nurse.test',
      folder: join(folder, 'exports'),
    });
    const seen = await followToEnd(router, started.id);
    const done = seen.at(-1)!;
    expect(done).toMatchObject({ state: 'done', fraction: 1, error: null });
    // Progress only grows; the bytes written are the files' sizes.
    const fractions = seen.map((s) => s.fraction);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!)).toBe(true);
    const name = `Holter_1_wfdb_${compact(startMs)}_${compact(endMs)}`;
    expect(done.files).toEqual([`${name}.hea.sealed`, `${name}.dat.sealed`, `${name}.alm.sealed`]);
    const out = join(folder, 'exports');
    const plain = await Promise.all(done.files.map((file) => plainOf(join(out, file))));
    expect(done.bytesWritten).toBe(plain.reduce((sum, bytes) => sum + bytes.byteLength, 0));
    expect(statSync(out).mode & 0o777).toBe(0o700);
    for (const file of done.files) expect(statSync(join(out, file)).mode & 0o777).toBe(0o600);
    const record = readWfdb(plain[0]!.toString('utf8'), plain[1]!);
    expect(record.startMs).toBe(startMs);
    expect(record.channels[0]!.samples.length).toBe(HOURS * 3600 * 4);
    expect(record.channels[0]!.samples[3]).toBe(ecgAt(3));
    expect(record.channels[0]!.samples[GAP.fromH * 3600 * 4]).toBe(-32768);

    // Listed for the bed, and followed again (as after a reconnect) without a new export.
    expect(exports.list(BED).map((s) => s.id)).toEqual([started.id]);
    const again = await followToEnd(router, started.id);
    expect(again).toEqual([done]);
    expect(exports.list().length).toBe(1);

    // Audited when it started and when it ended, with who, what and the patient.
    const mine = audit.filter((a) => a.detail.includes(started.id));
    expect(mine.map((a) => [a.actor, a.action, a.subject])).toEqual([
      ['nurse.test', 'export-started', `${LABEL} (${BED})`],
      ['nurse.test', 'export-done', `${LABEL} (${BED})`],
    ]);
    expect(mine[0]!.detail).toContain('WFDB (format 16)');
    expect(mine[0]!.detail).toContain(`patient ${PATIENT.name} (MRN ${PATIENT.mrn})`);
    expect(mine[1]!.detail).toContain(`${name}.dat`);
  }, 60_000);

  it('never replaces a file: the same export again gets names of its own', async () => {
    const { router } = exportsWith();
    const range = { fromMs: startMs + HOUR_MS, toMs: startMs + 3 * HOUR_MS };
    const first = (await router.request(
      'startExport',
      { bedId: BED, format: 'edf', ...range },
      USER,
    )) as ExportStatus;
    const second = (await router.request(
      'startExport',
      { bedId: BED, format: 'edf', ...range },
      USER,
    )) as ExportStatus;
    const [a, b] = [
      (await followToEnd(router, first.id)).at(-1)!,
      (await followToEnd(router, second.id)).at(-1)!,
    ];
    const name = `Holter_1_edf_${compact(range.fromMs)}_${compact(range.toMs)}`;
    expect(a.files).toEqual([`${name}.edf.sealed`]);
    expect(b.files).toEqual([`${name}_v2.edf.sealed`]);
    const bytes = await plainOf(join(folder, 'exports', `${name}_v2.edf.sealed`));
    expect(bytes.subarray(0, 8).toString('ascii')).toBe('0       ');
    const edf = readEdf(bytes);
    expect(edf.channels.find((c) => c.label === 'ECG II')!.samples.length).toBe(2 * 3600 * 4);
  }, 60_000);

  let sealedCsv: ExportStatus;

  it('seals what it writes: no name or MRN in the exports folder, all of it in the file given', async () => {
    const { router, exports } = exportsWith();
    const started = (await router.request(
      'startExport',
      { bedId: BED, format: 'csv', fromMs: startMs, toMs: startMs + HOUR_MS },
      USER,
    )) as ExportStatus;
    sealedCsv = (await followToEnd(router, started.id)).at(-1)!;
    expect(sealedCsv.state).toBe('done');
    const out = join(folder, 'exports');
    const needles = [PATIENT.mrn, 'Quillfeather', 'Ottoline', 'left side'];
    expect(stringsFind(out, needles)).toEqual([]);
    // The scan does read the sealed files: their headers are there.
    expect(stringsFind(out, ['WSEXPORT']).length).toBeGreaterThanOrEqual(sealedCsv.files.length);
    expect(readdirSync(out).join(' ')).not.toMatch(/quillfeather|ottoline|qfx40417/i);

    // The screen gets the plain file (the note, name and MRN in it), once, audited.
    const file = sealedCsv.files.find((name) => name.endsWith('_annotations.csv.sealed'))!;
    const { url } = (await router.request(
      'downloadExport',
      { exportId: sealedCsv.id, file },
      USER,
    )) as { url: string };
    expect(url).toMatch(/^\/exports\/download\/[\w-]{32}$/);
    const ticket = url.slice('/exports/download/'.length);
    const download = await exports.openDownload(ticket);
    const parts: Buffer[] = [];
    for await (const chunk of download.chunks()) parts.push(chunk);
    await download.close();
    expect(download.name).toBe(file.replace(/\.sealed$/, ''));
    expect(Buffer.concat(parts).toString('utf8')).toContain(NOTE);
    expect(download.plainBytes).toBe(Buffer.concat(parts).byteLength);
    const given = audit.find(
      (a) => a.action === 'export-downloaded' && a.detail.includes(sealedCsv.id),
    );
    expect(given).toMatchObject({ actor: 'nurse.test', subject: `${LABEL} (${BED})` });
    expect(given!.detail).toContain(`patient ${PATIENT.name} (MRN ${PATIENT.mrn})`);
    expect(given!.detail).toContain(`${download.name} (${download.plainBytes} bytes) downloaded`);
    await expect(exports.openDownload(ticket)).rejects.toThrow(
      'This download address is used up or too old: press Download again.',
    );
    const stranger = await refusal(
      router.request('downloadExport', { exportId: sealedCsv.id, file: '../pgdata.key' }, USER),
    );
    expect(stranger).toMatchObject({ code: 'not_found' });
    expect(stranger.message).toBe('This export has no file named ../pgdata.key.');

    // A file damaged on disk: said on the screen, nothing given.
    const path = join(out, file);
    const bytes = readFileSync(path);
    bytes[bytes.length - 5]! ^= 1;
    writeFileSync(path, bytes);
    const damaged = await refusal(
      router.request('downloadExport', { exportId: sealedCsv.id, file }, USER),
    );
    expect(damaged.message).toBe(
      `The exported file ${file} is damaged or cut short (its last piece does not open): it cannot be opened. Export again, or use a whole copy.`,
    );
  }, 60_000);

  it('refuses the download to a screen without the export permission, and audits the refusal', async () => {
    // Cheap hashes: this is about the permission, not the password.
    const cost = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
    const access = await Access.open({
      store,
      audit: () => undefined,
      log: () => undefined,
      costs: { password: cost, pin: cost },
    });
    try {
      const admin = access.openScreen('page', 'admin desk');
      await access.createAdministrator(admin, {
        username: 'it-admin',
        displayName: 'Ida Admin',
        password: 'admin-password-1',
        pin: '9090',
      });
      await access.addAccount(
        {
          username: 'viewer',
          displayName: 'Vic Viewer',
          role: 'view-only',
          password: 'viewer-pass-1',
        },
        { actor: 'test', from: 'the test' },
      );
      const screen = access.openScreen('page', 'ward screen');
      await access.signIn(screen, 'viewer', 'viewer-pass-1');
      const { router } = exportsWith();
      const downloaded = audit.filter((a) => a.action === 'export-downloaded').length;
      const refused = await refusal(
        router.request(
          'downloadExport',
          { exportId: sealedCsv?.id ?? 'export-1', file: 'Holter_1.csv.sealed' },
          { actor: 'x', screen },
        ),
      );
      expect(refused.code).toBe('forbidden');
      expect(
        routerAudit.find(
          (e) => e.action === 'refused:downloadExport' && e.actor === 'Vic Viewer (viewer)',
        ),
      ).toBeDefined();
      expect(audit.filter((a) => a.action === 'export-downloaded')).toHaveLength(downloaded);
    } finally {
      access.close();
    }
  }, 30_000);

  it('refuses bad requests with a sentence, and starts nothing', async () => {
    const { router, exports } = exportsWith();
    const start = (params: unknown) => refusal(router.request('startExport', params, USER));
    const unknownBed = await start({ bedId: 'bed-nobody', format: 'wfdb' });
    expect(unknownBed.code).toBe('not_found');
    expect(unknownBed.message).toBe('There is no bed "bed-nobody" on this workstation.');
    expect((await start({ bedId: BED, format: 'mp3' })).message).toBe(
      'Choose a format the workstation writes: wfdb, wfdb212, edf or csv.',
    );
    expect(
      (await start({ bedId: BED, format: 'csv', fromMs: startMs, toMs: startMs })).message,
    ).toBe('The time range is empty: its end must be after its start.');
    expect((await start({ bedId: BED, format: 'csv', fromMs: startMs })).message).toBe(
      'Give both ends of the time range, or neither (the whole stay).',
    );
    const old = Date.now() - 80 * HOUR_MS;
    const tooOld = await start({ bedId: BED, format: 'csv', fromMs: old, toMs: old + HOUR_MS });
    expect(tooOld.code).toBe('invalid_request');
    expect(tooOld.message).toMatch(
      /^The range begins before what the workstation keeps \(the last 72 hours\): choose a start after \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\.$/,
    );
    const future = await start({
      bedId: BED,
      format: 'csv',
      fromMs: Date.now(),
      toMs: Date.now() + 2 * HOUR_MS,
    });
    expect(future.message).toMatch(/^The range ends in the future .*: choose an end up to now\.$/);
    const nothing = await start({
      bedId: BED,
      format: 'csv',
      fromMs: endMs + 1000,
      toMs: endMs + HOUR_MS,
    });
    expect(nothing.message).toMatch(
      /^No signal of Holter 1 is stored between .* and .*; it holds signal from .* to .*\.$/,
    );
    expect(exports.list()).toEqual([]);
    // An unknown export, followed or cancelled, is named as such.
    expect(() => router.subscribe('exportProgress', { exportId: 'nope' }, () => {})).toThrow(
      /There is no such export on this workstation/,
    );
    expect((await refusal(router.request('cancelExport', { exportId: 'nope' }, USER))).code).toBe(
      'not_found',
    );
  });

  it('fails, saying why, a range holding only the hour without signal; keeps nothing', async () => {
    const { router } = exportsWith();
    const started = (await router.request(
      'startExport',
      {
        bedId: BED,
        format: 'wfdb',
        fromMs: startMs + GAP.fromH * HOUR_MS + 60_000,
        toMs: startMs + GAP.toH * HOUR_MS - 60_000,
      },
      USER,
    )) as ExportStatus;
    const end = (await followToEnd(router, started.id)).at(-1)!;
    expect(end.state).toBe('failed');
    expect(end.error).toBe(`Bed ${BED} has no stored waveforms between the times given.`);
    expect(end.files).toEqual([]);
    expect(
      audit.find((a) => a.detail.includes(started.id) && a.action === 'export-failed'),
    ).toBeDefined();
  });

  it("says, in a person's words, which channel a format cannot hold", async () => {
    const { router } = exportsWith({
      store: {
        ...storeOf(),
        // Ten times the stored values: ECG up to ±10 000, beyond format 212's 12 bits.
        readWaveformWindow: async (query) =>
          (await store.readWaveformWindow(query)).map((s) => ({
            ...s,
            values: s.values.map((v) => v * 10),
          })),
      },
    });
    const started = (await router.request(
      'startExport',
      { bedId: BED, format: 'wfdb212', fromMs: startMs, toMs: startMs + HOUR_MS },
      USER,
    )) as ExportStatus;
    const end = (await followToEnd(router, started.id)).at(-1)!;
    expect(end.state).toBe('failed');
    expect(end.error).toBe(
      'The WFDB (format 212) export stopped: channel "ECG II" has samples from -10000 to 10000,' +
        " outside WFDB format 212's range -2048..2047; export with format 16. Nothing was kept.",
    );
  });

  it('cancels a running export (nothing kept), and says so to a second cancel', async () => {
    // The store slowed down, so that the export is still running when cancelled.
    const { router } = exportsWith({ writing: { readWindowMs: 600_000 }, store: slowStore() });
    const before = listOut();
    const started = (await router.request(
      'startExport',
      { bedId: BED, format: 'csv' },
      USER,
    )) as ExportStatus;
    const seen: ExportStatus[] = [];
    const stop = router.subscribe('exportProgress', { exportId: started.id }, (e) =>
      seen.push(e as ExportStatus),
    );
    await waitFor('some progress', () => (seen.at(-1)?.fraction ?? 0) > 0.05, 30_000);
    const running = seen.at(-1)!;
    expect(running.recordMsPerS).toBeGreaterThan(0);
    const cancelled = (await router.request(
      'cancelExport',
      { exportId: started.id },
      USER,
    )) as ExportStatus;
    expect(cancelled.state).toBe('cancelled');
    await waitFor('the end told', () => seen.at(-1)?.state === 'cancelled', 5_000);
    stop();
    expect(listOut()).toEqual(before);
    const again = await refusal(router.request('cancelExport', { exportId: started.id }, USER));
    expect(again.code).toBe('conflict');
    expect(again.message).toBe('This export was cancelled already; nothing of it was kept.');
  }, 60_000);

  it('stops before the disk is so full that the live recording would lack room', async () => {
    const { router } = exportsWith({ keepFreeBytes: Number.MAX_SAFE_INTEGER / 2 });
    const before = listOut();
    const started = (await router.request(
      'startExport',
      { bedId: BED, format: 'edf' },
      USER,
    )) as ExportStatus;
    const end = (await followToEnd(router, started.id)).at(-1)!;
    expect(end.state).toBe('failed');
    expect(end.error).toMatch(
      /^The export stopped: the disk holding .*exports is nearly full \(.* MB free; the workstation keeps .* MB free for its live recording\)\. Nothing was kept; free some space, then export again\.$/,
    );
    expect(listOut()).toEqual(before);
  });

  it('cancels what runs when the workstation stops, and starts nothing more', async () => {
    const { router, exports } = exportsWith({
      writing: { readWindowMs: 600_000 },
      store: slowStore(),
    });
    const before = listOut();
    const started = (await router.request(
      'startExport',
      { bedId: BED, format: 'wfdb212' },
      USER,
    )) as ExportStatus;
    await exports.stop();
    expect(exports.list()[0]).toMatchObject({ id: started.id, state: 'cancelled' });
    expect(listOut()).toEqual(before);
    const refused = await refusal(
      router.request('startExport', { bedId: BED, format: 'wfdb' }, USER),
    );
    expect(refused.message).toBe('The workstation is shutting down.');
  }, 30_000);

  describe.skipIf(!canMountTmpfs)('on a disk that fills (root only: mounts a tmpfs)', () => {
    it('says the disk is full, keeps nothing, and exports again once there is room', async () => {
      const small = join(folder, 'small-disk');
      mountTmpfs(small, 1);
      try {
        // 1 MB holds a few hours of this bed, not 26 of them.
        const { router } = exportsWith({ folder: small, keepFreeBytes: 0 });
        const whole = (await router.request(
          'startExport',
          { bedId: BED, format: 'wfdb' },
          USER,
        )) as ExportStatus;
        const end = (await followToEnd(router, whole.id)).at(-1)!;
        expect(end.state).toBe('failed');
        expect(end.error).toMatch(
          /^The export stopped: the disk is full in .*small-disk\. Nothing was kept/,
        );
        expect(readdirSync(small)).toEqual([]);
        const hour = (await router.request(
          'startExport',
          { bedId: BED, format: 'wfdb', fromMs: startMs, toMs: startMs + HOUR_MS },
          USER,
        )) as ExportStatus;
        expect((await followToEnd(router, hour.id)).at(-1)!.state).toBe('done');
      } finally {
        unmountTmpfs(small);
      }
    }, 60_000);
  });

  /** The real store, every audit event it keeps also noted here. */
  function storeOf(): BedExportsOptions['store'] {
    return {
      readWaveformWindow: (query) => store.readWaveformWindow(query),
      readChannels: (bedId) => store.readChannels(bedId),
      readAlarmLog: (...args) => store.readAlarmLog(...args),
      readAnnotations: (...args) => store.readAnnotations(...args),
      readWaveformExtent: (bedId) => store.readWaveformExtent(bedId),
      flush: () => store.flush(),
      recordAuditEvent: async (event) => {
        await store.recordAuditEvent(event);
        audit.push(event);
      },
    };
  }

  /** The store, each read of signal 40 ms late. */
  function slowStore(): BedExportsOptions['store'] {
    return {
      ...storeOf(),
      readWaveformWindow: async (query) => {
        await new Promise((r) => setTimeout(r, 40));
        return store.readWaveformWindow(query);
      },
    };
  }

  /** What is in the exports folder, hidden staging folders included. */
  function listOut(): string[] {
    const out = join(folder, 'exports');
    try {
      return readdirSync(out).sort();
    } catch {
      return [];
    }
  }
});

function compact(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}
