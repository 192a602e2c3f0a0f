// Times in requests, through the real router into the real store on disk, beside a live bed (a
// HealthyPi 5 simulator on a real pseudo-terminal). A time outside 1990 … now + 1 day is refused
// before anything is written: an imported record at -9007199254740991 ms (which used to take the
// store's shared batch down with it, losing every bed's last second), one whose end lands in the
// far future, an alarm log asked for with a huge or fractional time, a strip of 1970. The live
// bed's samples are all there afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import {
  runSimulatorOnPort,
  type SimulatorOnPort,
} from '../../electron/host/devices/simulators/on-port';
import { startWorkstation, type Workstation } from '../../electron/host/workstation';
import { RECORD_AHEAD_MS } from '../../shared/api/time-window';

const caller = { actor: 'nurse-test' };
const RECORD = join(import.meta.dirname, '..', '..', 'resources', 'demo', 'mitbih-101-5min');
const base64 = (file: string) => readFileSync(file).toString('base64');

describe('times in requests', () => {
  let dir: string;
  let pair: PtyPair;
  let simulator: SimulatorOnPort;
  let workstation: Workstation;
  const record = { header: base64(`${RECORD}.hea`), signals: base64(`${RECORD}.dat`) };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-times-'));
    pair = await openPtyPair(dir, 'bed');
    workstation = await startWorkstation({
      dataDir: join(dir, 'data'),
      devices: [{ driver: 'healthypi5', path: pair.devicePath }],
      log: () => {},
    });
    simulator = await runSimulatorOnPort(pair.simulatorPath, 'healthypi5', {
      recordingsDir: null,
    });
  });

  afterAll(async () => {
    await workstation?.stop();
    await simulator?.stop();
    await pair?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const request = (method: string, params: unknown) =>
    workstation.router.request(method, params, caller);

  it('refuses a record imported far in the past or ending far ahead, and writes nothing of it', async () => {
    const beforeMs = Date.now();
    await expect(
      request('importRecord', { bedLabel: 'Old', ...record, startMs: -9007199254740991 }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/Choose a time from 1 January 1990/),
    });
    // The start is in the window, its 5 minutes are not: refused by the handler, before writing.
    await expect(
      request('importRecord', {
        bedLabel: 'Ahead',
        ...record,
        startMs: Date.now() + RECORD_AHEAD_MS - 60_000,
      }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/outside the times the workstation keeps .* lasts 300 s/),
    });
    for (const bedId of ['bed-old', 'bed-ahead']) {
      expect(await workstation.store.readChannels(bedId)).toEqual([]);
    }

    // The live bed lost nothing meanwhile: its ECG is stored without a gap over those seconds.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await workstation.store.flush();
    const segments = await workstation.store.readWaveformWindow({
      bedId: 'bed-1',
      fromMs: beforeMs - 500,
      toMs: Date.now() - 500,
      channels: ['MDC_ECG_ELEC_POTL'],
    });
    const ecg = segments.filter((s) => s.channel === 'MDC_ECG_ELEC_POTL');
    expect(ecg.length).toBeGreaterThan(0);
    const stored = ecg.reduce((sum, s) => sum + s.values.length, 0);
    const spanMs = ecg.at(-1)!.t0Ms + (ecg.at(-1)!.values.length * 1000) / 128 - ecg[0]!.t0Ms;
    expect(stored).toBe(Math.round((spanMs * 128) / 1000));
  });

  it('imports the same record at a sane start', async () => {
    const startMs = Date.now() - 3_600_000;
    await expect(
      request('importRecord', { bedLabel: 'Review', ...record, startMs }),
    ).resolves.toMatchObject({ bedId: 'bed-review', fromMs: startMs, toMs: startMs + 300_000 });
  });

  it('refuses huge, fractional and 1970 times in the alarm log, strips, trends and waveforms', async () => {
    const now = Date.now();
    const refused = [
      ['getAlarmLog', { bedId: 'bed-1', fromMs: 1e300 }],
      ['getAlarmLog', { bedId: 'bed-1', toMs: now + 0.5 }],
      ['getAlarmLog', { bedId: 'bed-1', fromMs: now, toMs: now - 1000 }],
      ['printStrip', { bedId: 'bed-1', endMs: Date.UTC(1970, 0, 1, 0, 1) }],
      ['getTrend', { bedId: 'bed-1', codes: ['MDC_ECG_HEART_RATE'], fromMs: 0, toMs: 60_000 }],
      ['getWaveformWindow', { bedId: 'bed-1', fromMs: -9007199254740991, toMs: now }],
      [
        'exportRecord',
        { bedId: 'bed-1', fromMs: now, toMs: now + 2 * RECORD_AHEAD_MS, format: 'csv' },
      ],
    ] as const;
    for (const [method, params] of refused) {
      await expect(
        request(method, params),
        `${method} ${JSON.stringify(params)}`,
      ).rejects.toMatchObject({ code: 'invalid_request' });
    }
    await expect(
      request('getAlarmLog', { bedId: 'bed-1', fromMs: now - 60_000 }),
    ).resolves.toBeInstanceOf(Array);
  });
});
