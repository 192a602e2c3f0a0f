// Exports from the screen on a real workstation (its PGlite store on disk, no device): a record
// imported through the api is exported into the data directory's exports folder and followed to
// the end; a bed with a patient exports their stay, and says so when the stay holds no signal;
// the audit trail, read from the store's files once the workstation has stopped, names who
// exported what. On a tmpfs (root only), an export on a nearly full disk stops before the live
// recording lacks room, and the workstation goes on recording and answering.
import { readdirSync, rmSync, statSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { storeCipher } from '../../electron/host/store/encryption/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import type { ExportStatus } from '../../shared/api/contract-exports';
import type { ApiError } from '../../shared/api/errors';
import { Status } from '../../shared/model/schemas';
import { readWfdb, writeWfdb } from '../../electron/host/export/wfdb';
import { exportsKeyOf } from '../../electron/host/export/sealed-file';
import { openSealedFile } from '../../electron/host/export/sealed-file-reader';
import { unlockDataKey } from '../../electron/host/store/encryption/data-key';
import { canMountTmpfs, fillDisk, mountTmpfs, unmountTmpfs } from '../support/small-disk';
import { waitFor } from '../support/wait-for';

const nurse = { actor: 'nurse.test' };
const RATE_HZ = 125;
const HOURS = 2;

/** The plain bytes of a sealed export. */
async function unsealed(path: string, key: Uint8Array): Promise<Buffer> {
  const file = await openSealedFile(path, key, path);
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of file.chunks()) chunks.push(chunk);
    return Buffer.concat(chunks);
  } finally {
    await file.close();
  }
}

/** A WFDB record of `hours` of one ECG lead ending now, as the importRecord request takes it. */
function recordRequest(bedLabel: string, hours: number) {
  const samples = Int32Array.from({ length: hours * 3600 * RATE_HZ }, (_, i) => (i * 7) % 400);
  const { files } = writeWfdb(
    {
      name: 'holter',
      startMs: 0,
      channels: [
        {
          key: 'ecg',
          label: 'ECG II',
          unit: 'mV',
          rateHz: RATE_HZ,
          rawPerUnit: 200,
          baseline: 0,
          samples,
        },
      ],
      annotations: [],
    },
    { format: 16 },
  );
  const base64 = (suffix: string) =>
    Buffer.from(files.find((f) => f.name.endsWith(suffix))!.contents).toString('base64');
  return { bedLabel, header: base64('.hea'), signals: base64('.dat') };
}

function startedFor(workstation: Workstation) {
  const request = (method: string, params: unknown) =>
    workstation.router.request(method as never, params as never, nurse);
  /** Follows an export by id until it ends. */
  const followToEnd = async (exportId: string): Promise<ExportStatus> => {
    let last: ExportStatus | null = null;
    const stop = workstation.router.subscribe('exportProgress', { exportId }, (event) => {
      last = event as ExportStatus;
    });
    try {
      return await waitFor(
        'the export to end',
        () => (last?.state === 'running' ? null : last),
        60_000,
      );
    } finally {
      stop();
    }
  };
  return { request, followToEnd };
}

describe('exports from the screen, on a workstation', () => {
  let dir: string;
  let dataDir: string;
  let workstation: Workstation;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-exports-'));
    dataDir = join(dir, 'data');
    workstation = await startWorkstation({ dataDir, devices: [], log: () => {} });
  }, 60_000);

  afterAll(async () => {
    await workstation?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exports an imported record into <data>/exports, the stay of a patient, and audits both', async () => {
    const { request, followToEnd } = startedFor(workstation);
    const imported = (await request('importRecord', recordRequest('Holter 1', HOURS))) as {
      bedId: string;
      fromMs: number;
      toMs: number;
    };
    const started = (await request('startExport', {
      bedId: imported.bedId,
      format: 'wfdb',
    })) as ExportStatus;
    // Without a range and without a patient: all the bed's stored signal.
    expect([started.fromMs, started.toMs]).toEqual([imported.fromMs, imported.toMs]);
    const done = await followToEnd(started.id);
    expect(done.state).toBe('done');
    const folder = join(dataDir, 'exports');
    expect(done.folder).toBe(folder);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(readdirSync(folder).sort()).toEqual([...done.files].sort());
    // Sealed at rest (export/sealed-file.ts): opened with the data folder's own key.
    const header = done.files.find((f) => f.endsWith('.hea.sealed'))!;
    const key = exportsKeyOf(unlockDataKey(join(dataDir, 'pgdata')).dataKey);
    const record = readWfdb(
      (await unsealed(join(folder, header), key)).toString('utf8'),
      await unsealed(join(folder, header.replace(/\.hea\.sealed$/, '.dat.sealed')), key),
    );
    expect(record.channels[0]!.samples.length).toBe(HOURS * 3600 * RATE_HZ);
    expect(record.channels[0]!.samples[1000]).toBe((1000 * 7) % 400);

    // A patient admitted to that bed now: their stay has no signal yet, and the refusal says so.
    await workstation.admitPatient(
      {
        familyName: 'Test',
        givenName: 'Alice',
        mrn: 'FICT-0001',
        birthDate: '1970-01-01',
        category: 'adult',
        bedLabel: 'Holter 1',
      },
      'nurse.test',
    );
    const refused = await request('startExport', { bedId: imported.bedId, format: 'edf' }).catch(
      (error: unknown) => error as ApiError,
    );
    expect((refused as ApiError).message).toMatch(
      /^No signal of Holter 1 is stored since its patient's stay began \(.* UTC\); it holds signal from .* to .*: choose a time range\.$/,
    );
    // With a range, the bed's record is exported, and the audit names the patient in the bed.
    const edf = (await request('startExport', {
      bedId: imported.bedId,
      format: 'edf',
      fromMs: imported.fromMs,
      toMs: imported.fromMs + 600_000,
    })) as ExportStatus;
    const edfDone = await followToEnd(edf.id);
    expect(edfDone.state).toBe('done');

    // The workstation answers all along; then the audit trail, read from the store's files.
    expect(Status.parse(await request('getStatus', {})).beds.length).toBe(1);
    await workstation.stop();
    const db = await PGlite.create(join(dataDir, 'pgdata'));
    try {
      const sealed = await db.query<{
        actor: string;
        action: string;
        subject: string;
        detail: string;
      }>(
        `SELECT actor, action, subject, detail FROM audit_events WHERE action LIKE 'export-%'
         ORDER BY at_ms, action DESC`,
      );
      // Details are sealed in the store's files (store/encryption): opened with its key.
      const cipher = storeCipher(join(dataDir, 'pgdata'));
      const rows = sealed.rows.map((r) => ({ ...r, detail: cipher.openText(r.detail) }));
      // A bed known only from the store (before the admission made it a bed) goes by its id.
      expect(rows.map((r) => `${r.actor} ${r.action} ${r.subject}`)).toEqual([
        'nurse.test export-started bed-holter-1 (bed-holter-1)',
        'nurse.test export-done bed-holter-1 (bed-holter-1)',
        'nurse.test export-started Holter 1 (bed-holter-1)',
        'nurse.test export-done Holter 1 (bed-holter-1)',
      ]);
      expect(rows[0]!.detail).toContain('no patient in the bed');
      expect(rows[2]!.detail).toContain('patient Test, Alice (MRN FICT-0001)');
      expect(rows[3]!.detail).toContain(edfDone.files[0]!);
      expect(rows[1]!.detail).toContain(header);
    } finally {
      await db.close();
    }
  }, 120_000);
});

describe.skipIf(!canMountTmpfs)(
  'an export on a nearly full disk (root only: mounts a tmpfs)',
  () => {
    let mount: string;
    let workstation: Workstation;

    beforeAll(async () => {
      mount = mkdtempSync(join(tmpdir(), 'ws-exports-disk-'));
      mountTmpfs(mount, 400);
      workstation = await startWorkstation({
        dataDir: join(mount, 'data'),
        devices: [],
        log: () => {},
      });
    }, 60_000);

    afterAll(async () => {
      await workstation?.stop();
      if (mount) {
        unmountTmpfs(mount);
        rmSync(mount, { recursive: true, force: true });
      }
    });

    it('stops before the live recording would lack room; the workstation records and answers on', async () => {
      const { request, followToEnd } = startedFor(workstation);
      const imported = (await request('importRecord', recordRequest('Holter 2', 1))) as {
        bedId: string;
      };
      // 150 MB free: room for the store (it keeps 64 MB), not the 256 MB an export leaves free.
      const filler = fillDisk(mount, { leaveBytes: 150 * 1024 * 1024 });
      const started = (await request('startExport', {
        bedId: imported.bedId,
        format: 'csv',
      })) as ExportStatus;
      const end = await followToEnd(started.id);
      expect(end.state).toBe('failed');
      expect(end.error).toMatch(
        /^The export stopped: the disk holding .*exports is nearly full \(1\d\d MB free; the workstation keeps 256 MB free for its live recording\)\. Nothing was kept; free some space, then export again\.$/,
      );
      expect(readdirSync(join(mount, 'data', 'exports'))).toEqual([]);
      expect(workstation.store.health.recording).toBe('ok');
      workstation.store.appendNumeric({
        bedId: imported.bedId,
        deviceId: 'manual',
        refId: 'MDC_PULS_OXIM_SAT_O2',
        value: 97,
        unit: '%',
        at: Date.now(),
      });
      await workstation.store.flush();
      expect(Status.parse(await request('getStatus', {})).beds).toBeDefined();

      // Space again: the same export is made.
      await rm(filler);
      const again = (await request('startExport', {
        bedId: imported.bedId,
        format: 'csv',
      })) as ExportStatus;
      expect((await followToEnd(again.id)).state).toBe('done');
    }, 120_000);
  },
);
