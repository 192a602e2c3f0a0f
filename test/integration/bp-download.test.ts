// Downloading an Omron HEM-790IT for the patient in a bed, through the api, with the real store on
// disk. The monitor is the byte-exact simulator injected where node-hid would open the USB device:
// there is no virtual HID here (no /dev/uhid), so the transport boundary is where the test plugs
// in. The workstation's clock is held still, so "before the admission" is exact. The last part
// starts the real `serve --demo`, downloads, sends SIGTERM and waits for it to end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { storeCipher } from '../../electron/host/store/encryption/test-support';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import { OmronHem790itSimulator } from '../../electron/host/devices/simulators/omron-hem790it';
import type { BpReading } from '../../electron/host/devices/drivers/omron-hem790it';
import type { HidReportTransport } from '../../electron/host/devices/transports/hid';
import { Status } from '../../shared/model/schemas';
import type { RequestOutput } from '../../shared/api/contract';
import type { ApiError } from '../../shared/api/errors';

const nurse = { actor: 'nurse.ward' };
const local = (day: number, hour: number, minute = 0) =>
  new Date(2026, 10, day, hour, minute).getTime();
/** Taken the evening before Alice came into Bed 3 at 07:00: not assumed to be hers. */
const evening: BpReading = {
  takenAt: '2026-11-19T20:02:31',
  systolic: 141,
  diastolic: 90,
  pulse: 71,
};
/** Taken at 08:15, while she is in Bed 3. */
const morning: BpReading = {
  takenAt: '2026-11-20T08:15:00',
  systolic: 128,
  diastolic: 82,
  pulse: 66,
};
/** Someone's home reading from the week before. */
const lastWeek: BpReading = {
  takenAt: '2026-11-13T18:30:00',
  systolic: 150,
  diastolic: 95,
  pulse: 80,
};

const alice = {
  familyName: 'Test',
  givenName: 'Alice',
  mrn: 'FICT-BP-1',
  birthDate: '1960-03-04',
  category: 'adult' as const,
};
const bob = { ...alice, givenName: 'Bob', mrn: 'FICT-BP-2' };

type Download = RequestOutput<'importBloodPressure'>;

describe('downloading a blood-pressure monitor for the patient in a bed', () => {
  let dir: string;
  let dataDir: string;
  let workstation: Workstation;
  let clockMs = local(20, 7);
  let monitor: BpReading[] | null = [morning, evening, lastWeek];
  let opened = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-bp-'));
    dataDir = join(dir, 'data');
    workstation = await startWorkstation({
      dataDir,
      devices: [],
      log: () => {},
      alarmClock: { now: () => clockMs },
      openHid: (descriptor) => {
        opened++;
        if (monitor === null) {
          return Promise.reject(
            new Error(`No ${descriptor.displayName} found (USB 0590:0028). Connect the monitor.`),
          );
        }
        return Promise.resolve(new OmronHem790itSimulator({ readings: monitor }));
      },
    });
    await workstation.admitPatient({ ...alice, bedLabel: 'Bed 3' }, 'nurse.ward');
    await workstation.admitPatient({ ...bob, bedLabel: 'Bed 4' }, 'nurse.ward');
    await workstation.router.request('dischargePatient', { bedId: 'bed-4' }, nurse);
    clockMs = local(20, 9);
  });

  afterAll(async () => {
    await workstation?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const request = (method: string, params: unknown) =>
    workstation.router.request(method as never, params as never, nurse);
  const download = (bedLabel: string) =>
    request('importBloodPressure', { bedLabel }) as Promise<Download>;
  const failure = async (work: Promise<unknown>): Promise<ApiError> => {
    try {
      await work;
    } catch (error) {
      return error as ApiError;
    }
    throw new Error('it did not fail');
  };
  const numerics = async () => (await workstation.store.counts()).numerics;
  const bedLabels = () => [...workstation.beds.values()].map((b) => b.label);

  it('a bed without a patient, or no bed, is refused before the monitor is opened; nothing is made', async () => {
    const labels = bedLabels();
    const empty = await failure(download('Bed 4'));
    expect(empty.message).toBe(
      'Bed 4 has no patient: readings are kept for a patient. Admit the patient first, then download the monitor.',
    );
    const none = await failure(download('Bed 9'));
    expect(none.code).toBe('not_found');
    expect(none.message).toMatch(/There is no bed "Bed 9": admit the patient to a bed first/);
    expect(opened).toBe(0);
    expect(bedLabels()).toEqual(labels);
    expect(await numerics()).toBe(0);
  });

  it('stores for the patient what was taken since they came into the bed; holds the rest for a person', async () => {
    const result = await download('Bed 3');
    const status = Status.parse(await request('getStatus', {}));
    const bed3 = status.beds.find((b) => b.label === 'Bed 3')!;
    expect(result).toMatchObject({
      bedId: 'bed-3',
      patient: bed3.patient!,
      inBedSince: local(20, 7),
      downloaded: 3,
      imported: 1,
      alreadyStored: 0,
      storedForOthers: 0,
      newest: { takenAt: morning.takenAt, systolic: 128 },
    });
    expect(result.held?.readings.map((r) => [r.takenAt, r.reason])).toEqual([
      [evening.takenAt, 'before-admission'],
      [lastWeek.takenAt, 'before-admission'],
    ]);
    expect(bed3.numerics.MDC_PRESS_BLD_NONINV_SYS).toMatchObject({
      value: 128,
      at: local(20, 8, 15),
      source: 'omron-hem790it',
    });
    expect(await numerics()).toBe(3);
  });

  it('a person assigns a held reading to the patient and drops another; both are logged', async () => {
    const { held } = await download('Bed 3');
    const [eveningKey, lastWeekKey] = held!.readings.map((r) => r.key);
    const patientId = workstation.beds.get('bed-3')!.patient!.id;
    const decided = await request('assignBloodPressureReadings', {
      downloadId: held!.downloadId,
      patientId,
      assign: [eveningKey],
      drop: [lastWeekKey],
    });
    expect(decided).toEqual({ assigned: 1, dropped: 1, alreadyStored: 0, stillHeld: 0 });
    expect(await numerics()).toBe(6);
    // The evening before is older than what the bed shows: the bed keeps showing the morning's.
    expect(workstation.beds.get('bed-3')!.numerics.get('MDC_PRESS_BLD_NONINV_SYS')?.value).toBe(
      128,
    );
    // That download's held readings are decided: deciding again is refused.
    const again = await failure(
      request('assignBloodPressureReadings', {
        downloadId: held!.downloadId,
        patientId,
        assign: [eveningKey],
        drop: [],
      }),
    );
    expect(again.code).toBe('not_found');
    // The monitor still holds the dropped reading: a new download offers it again, nothing else.
    const next = await download('Bed 3');
    expect(next).toMatchObject({ downloaded: 3, imported: 0, alreadyStored: 2 });
    expect(next.held?.readings.map((r) => r.takenAt)).toEqual([lastWeek.takenAt]);
  });

  it("another patient's bed stores none of it again: a reading belongs to one patient", async () => {
    clockMs = local(20, 8);
    await workstation.admitPatient({ ...bob, bedLabel: 'Bed 4' }, 'nurse.ward');
    clockMs = local(20, 9);
    const result = await download('Bed 4');
    expect(result).toMatchObject({
      downloaded: 3,
      imported: 0,
      alreadyStored: 2,
      storedForOthers: 2,
      newest: null,
    });
    // Taken before Bob came into Bed 4 and kept for no one: only held, for a person.
    expect(result.held?.readings.map((r) => r.takenAt)).toEqual([lastWeek.takenAt]);
    expect(await numerics()).toBe(6);
    expect(workstation.beds.get('bed-4')!.numerics.size).toBe(0);
  });

  it('a decision for a patient no longer in the bed keeps nothing', async () => {
    const { held } = await download('Bed 4');
    const patientId = workstation.beds.get('bed-4')!.patient!.id;
    await request('dischargePatient', { bedId: 'bed-4' });
    const stale = await failure(
      request('assignBloodPressureReadings', {
        downloadId: held!.downloadId,
        patientId,
        assign: held!.readings.map((r) => r.key),
        drop: [],
      }),
    );
    expect(stale.code).toBe('conflict');
    expect(stale.message).toMatch(
      /Test, Bob \(MRN FICT-BP-2\) is no longer in Bed 4: nothing was kept/,
    );
    expect(await numerics()).toBe(6);
  });

  it('no monitor plugged in: a sentence that says what to do, and nothing changed', async () => {
    monitor = null;
    const labels = bedLabels();
    await expect(download('Bed 3')).rejects.toThrow(
      /No Omron HEM-790IT found .*Connect the monitor/,
    );
    expect(bedLabels()).toEqual(labels);
    monitor = [morning, evening, lastWeek];
  });

  it('every stored reading names its patient, once per reading; every decision names its author', async () => {
    await workstation.stop();
    const db = await PGlite.create(join(dataDir, 'pgdata'));
    try {
      const { rows } = await db.query<{
        source_key: string;
        n: number;
        patients: number;
        bed: string;
      }>(
        `SELECT source_key, count(*)::int AS n, count(DISTINCT patient_id)::int AS patients,
           min(bed_id) AS bed
         FROM numerics WHERE source_key IS NOT NULL GROUP BY source_key ORDER BY source_key`,
      );
      expect(rows.map((r) => [r.source_key.split('|')[1], r.n, r.patients, r.bed])).toEqual([
        [evening.takenAt, 3, 1, 'bed-3'],
        [morning.takenAt, 3, 1, 'bed-3'],
      ]);
      const missing = await db.query(
        `SELECT 1 FROM numerics WHERE source_key IS NOT NULL AND patient_id IS NULL`,
      );
      expect(missing.rows).toEqual([]);
      const audit = await db.query<{ actor: string; action: string; detail: string }>(
        `SELECT actor, action, detail FROM audit_events WHERE action LIKE 'blood-pressure-%'
         ORDER BY at_ms, id`,
      );
      expect(audit.rows.map((r) => `${r.actor} ${r.action}`)).toEqual([
        'nurse.ward blood-pressure-downloaded',
        'nurse.ward blood-pressure-assigned',
        'nurse.ward blood-pressure-dropped',
      ]);
      // Sealed in the store's files (store/encryption): opened with its key.
      expect(storeCipher(join(dataDir, 'pgdata')).openText(audit.rows[2]!.detail)).toBe(
        '1 reading (150/95 pulse 80 at 2026-11-13T18:30:00) of the Omron HEM-790IT not kept for' +
          ' Test, Alice (MRN FICT-BP-1) (Bed 3)',
      );
    } finally {
      await db.close();
    }
  });
});

/** A monitor that answers like a slow USB device: every input report takes `delayMs`. */
class SlowMonitor implements HidReportTransport {
  writesAfterClose = 0;
  closed = false;
  readonly #inner: OmronHem790itSimulator;
  constructor(
    readings: BpReading[],
    private readonly delayMs: number,
  ) {
    this.#inner = new OmronHem790itSimulator({ readings });
  }
  get received(): number {
    return this.#inner.received.length;
  }
  async write(report: Uint8Array): Promise<void> {
    if (this.closed) this.writesAfterClose++;
    await this.#inner.write(report);
  }
  sendFeatureReport(report: Uint8Array): Promise<void> {
    return this.#inner.sendFeatureReport(report);
  }
  async read(timeoutMs: number): Promise<Uint8Array | null> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return this.#inner.read(timeoutMs);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

describe('stopping the workstation during a download', () => {
  it('closes the monitor at once: nothing more is sent to it and the download ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-bp-stop-'));
    // 40 readings at 50 ms a report: about 8 s of download, so the stop lands in the middle.
    const readings = Array.from({ length: 40 }, (_, i) => ({
      ...morning,
      takenAt: `2026-11-20T08:${String(10 + i).padStart(2, '0')}:00`,
    }));
    const slow = new SlowMonitor(readings, 50);
    const workstation = await startWorkstation({
      dataDir: join(dir, 'data'),
      devices: [],
      log: () => {},
      openHid: () => Promise.resolve(slow),
    });
    try {
      await workstation.admitPatient({ ...alice, bedLabel: 'Bed 1' }, 'nurse.ward');
      const downloading = workstation.importBloodPressure('Bed 1', 'nurse.ward');
      const outcome = downloading.then(
        () => 'finished',
        (error: Error) => error.message,
      );
      while (slow.received < 6) await new Promise((resolve) => setTimeout(resolve, 10));
      const stopStarted = Date.now();
      await workstation.stop();
      const stopMs = Date.now() - stopStarted;
      expect(slow.closed).toBe(true);
      const sentAtStop = slow.received;
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Nothing went to the monitor once the workstation had stopped: the download had ended.
      expect(slow.received).toBe(sentAtStop);
      expect(slow.writesAfterClose).toBe(0);
      expect(await outcome).toMatch(/The monitor was closed: the workstation is stopping/);
      // One report's wait at most, plus closing the store.
      expect(stopMs).toBeLessThan(5000);
    } finally {
      await workstation.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('serve --demo after a blood-pressure download', () => {
  const root = join(import.meta.dirname, '..', '..');

  it('exits by itself within 10 s of SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-bp-serve-'));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './test/support/raw-import.mjs',
        'electron/cli/index.ts',
        'serve',
        '--port',
        '0',
        '--data',
        join(dir, 'data'),
        '--demo',
        '--token',
        'bp-download-test-token',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; atMs: number }>((resolve) =>
      child.once('exit', (code) => resolve({ code, atMs: Date.now() })),
    );
    try {
      const deadline = Date.now() + 60_000;
      while (!/Workstation ready at (http:\S+)/.test(output)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(output);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const origin = new URL(/Workstation ready at (http:\S+)/.exec(output)![1]!).origin;
      const response = await fetch(`${origin}/api/importBloodPressure`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer bp-download-test-token',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ bedLabel: 'Bed 1 (demo)' }),
      });
      const { result } = (await response.json()) as { result: Download };
      // The demo monitor's readings were all taken before the demo patient was admitted.
      expect(result).toMatchObject({ downloaded: 3, imported: 0 });
      expect(result.held?.readings).toHaveLength(3);
      const sentAt = Date.now();
      child.kill('SIGTERM');
      const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000));
      const exit = await Promise.race([exited, timeout]);
      expect(exit, `still running 10 s after SIGTERM:\n${output}`).not.toBeNull();
      expect(exit!.code).toBe(0);
      expect(exit!.atMs - sentAt).toBeLessThan(10_000);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
