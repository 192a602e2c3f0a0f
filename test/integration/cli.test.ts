// The `workstation` command as a person runs it: a real child process, real stdin/stdout, real
// exit codes. Run from the TypeScript sources (tsx) so this suite does not depend on a build.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEALTHYPI5_WORKED_EXAMPLE } from '../support/healthypi5-example';
import {
  FROM_SHARED_DATA,
  describeWhere,
  missingFiles,
  referenceData,
} from '../support/requirements';

const root = join(import.meta.dirname, '..', '..');

function workstation(args: string[], input?: Buffer | string) {
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './test/support/raw-import.mjs',
      'electron/cli/index.ts',
      ...args,
    ],
    { cwd: root, input, encoding: 'utf8', timeout: 30_000 },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('workstation decode', () => {
  it('prints the spec worked example as one JSON frame and a summary', () => {
    const { code, stdout } = workstation(
      ['decode', '--driver', 'healthypi5'],
      HEALTHYPI5_WORKED_EXAMPLE,
    );
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      {
        samples: {
          MDC_ECG_ELEC_POTL: [-5000],
          MDC_PULS_OXIM_PLETH: [210000],
          HPI5_PPG_RED: [200000],
          MDC_IMPED_TTHOR: [20000],
        },
        numerics: {
          MDC_ECG_HEART_RATE: 72,
          MDC_PULS_OXIM_SAT_O2: 98,
          MDC_RESP_RATE: 16,
          MDC_TEMP_BODY: 36.5,
        },
        flags: [],
      },
      { summary: { framesOk: 1, framesBad: 0, bytesSkipped: 0 } },
    ]);
  });

  it('reads a capture file, skips garbage and counts a broken frame', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-cli-'));
    try {
      const broken = Buffer.from(HEALTHYPI5_WORKED_EXAMPLE);
      broken[broken.length - 1] = 0x0c; // wrong footer
      const capture = Buffer.concat([
        Buffer.from('I: boot\r\n'),
        HEALTHYPI5_WORKED_EXAMPLE,
        broken,
        HEALTHYPI5_WORKED_EXAMPLE,
      ]);
      writeFileSync(join(dir, 'capture.bin'), capture);
      const { code, stdout } = workstation([
        'decode',
        '--driver',
        'healthypi5',
        '--input',
        join(dir, 'capture.bin'),
      ]);
      expect(code).toBe(0);
      expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({
        // Skipped: the boot text and the broken frame.
        summary: { framesOk: 2, framesBad: 1, bytesSkipped: 'I: boot\r\n'.length + broken.length },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says clearly what is wrong with its arguments', () => {
    const unknown = workstation(['decode', '--driver', 'no-such-device'], '');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown driver "no-such-device" \(known: healthypi5, /);
    const missing = workstation([
      'decode',
      '--driver',
      'healthypi5',
      '--input',
      '/nonexistent/capture.bin',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read \/nonexistent\/capture.bin/);
    const badDevice = workstation(['serve', '--device', 'healthypi5']);
    expect(badDevice.code).toBe(2);
    expect(badDevice.stderr).toMatch(/--device needs DRIVER:PATH/);
    const unknownDriver = workstation(['serve', '--port', '0', '--device', 'foo:/dev/ttyX']);
    expect(unknownDriver.code).toBe(2);
    expect(unknownDriver.stderr.trim()).toMatch(
      /^workstation: Unknown device driver "foo"\. Known drivers: healthypi5, [a-z0-9, -]+\.$/,
    );
    expect(workstation(['frobnicate']).code).toBe(2);
  });
});

describe('workstation devices', () => {
  it('lists the manifest: one JSON object per driver with its transport, USB ids and channels', () => {
    const { code, stdout } = workstation(['devices']);
    expect(code).toBe(0);
    const devices = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(devices.map((d) => d.id)).toContain('healthypi5');
    expect(devices.find((d) => d.id === 'healthypi5')).toMatchObject({
      transport: 'serial',
      serial: { baudRate: 115200, parity: 'none' },
      usb: expect.arrayContaining([expect.objectContaining({ vendorId: '0x2E8A' })]),
      channels: expect.arrayContaining([
        { key: 'MDC_ECG_ELEC_POTL', label: 'ECG', unit: '{count}', rateHz: 128, scale: null },
      ]),
    });
    expect(devices.find((d) => d.id === 'omron-hem790it')).toMatchObject({
      transport: 'hid',
      serial: null,
      usb: [expect.objectContaining({ vendorId: '0x0590', productId: '0x0028' })],
    });
  });
});

const MITBIH_101 = referenceData('mitbih', '101');

describeWhere(missingFiles([`${MITBIH_101}.hea`], FROM_SHARED_DATA), 'workstation beats', () => {
  it('prints one JSON object per beat of MIT-BIH 101, close to its 1865 reference beats', () => {
    const { code, stdout } = workstation(['beats', '--wfdb', MITBIH_101]);
    expect(code).toBe(0);
    const beats = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { sample: number; time: number; class: string });
    expect(beats[0]).toEqual({ sample: 82, time: expect.closeTo(82 / 360, 3), class: 'N' });
    expect(Math.abs(beats.length - 1865)).toBeLessThan(10);
    expect(beats.every((b, i) => i === 0 || b.sample > beats[i - 1]!.sample)).toBe(true);
    // 101 holds 1860 normal beats and 3 APCs; no ventricular ones.
    expect(beats.filter((b) => b.class === 'N').length).toBeGreaterThan(1840);
  });

  it('classifies the PVCs of MIT-BIH 119 (444 in bigeminy) with both leads', () => {
    const record = referenceData('mitbih', '119');
    const { code, stdout } = workstation(['beats', '--wfdb', record, '--second-lead', '1']);
    expect(code).toBe(0);
    const classes = stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { class: string }).class);
    const v = classes.filter((c) => c === 'V').length;
    expect(v).toBeGreaterThan(430);
    expect(v).toBeLessThan(460);
    const { code: bad, stderr } = workstation(['beats', '--wfdb', record, '--second-lead', '0']);
    expect(bad).not.toBe(0);
    expect(stderr).toMatch(/lead 0 cannot be the second lead/);
  });
});

const MITBIH_207 = referenceData('mitbih', '207');

describeWhere(missingFiles([`${MITBIH_207}.hea`], FROM_SHARED_DATA), 'workstation alarms', () => {
  it('replays MIT-BIH 207 and alarms ventricular flutter within seconds of its (VFL episodes', () => {
    const { code, stdout } = workstation(['alarms', '--wfdb', MITBIH_207]);
    expect(code).toBe(0);
    const changes = stdout
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { time: number; event: string; code: string; priority?: string },
      );
    // 207's reference rhythm labels (.atr) start ventricular flutter at 40.8 s and 1540.9 s.
    for (const onset of [40.8, 1540.9]) {
      const vf = changes.find((c) => c.code === 'VFIB' && c.event === 'raised' && c.time > onset);
      expect(vf).toMatchObject({ priority: 'high' });
      expect(vf!.time - onset).toBeLessThan(8);
    }
    expect(changes.every((c, i) => i === 0 || c.time >= changes[i - 1]!.time)).toBe(true);
    // With nobody to acknowledge them, high-priority alarms latch; none simply ends.
    expect(changes.some((c) => c.priority === 'high' && c.event === 'ended')).toBe(false);
    // 207's ventricular ectopy: couplets and runs, each change a line of its own.
    const ectopy = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; condition?: string; active?: boolean })
      .filter((c) => c.event === 'ectopy');
    expect(ectopy.some((c) => c.condition === 'couplet' && c.active)).toBe(true);
    expect(ectopy.some((c) => c.condition === 'pvcRate' && c.active)).toBe(true);
  });

  it('says what is wrong with a lead that does not exist', () => {
    const { code, stderr } = workstation(['alarms', '--wfdb', MITBIH_207, '--lead', '5']);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/has 2 signals .* no lead 5/);
  });
});
