// `workstation capture` records exactly the bytes the device sent; `decode --input` replays them.
// The device is the HealthyPi 5 simulator on a real pseudo-terminal pair.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair, type PtyPair } from '../../electron/host/devices/simulators/pty-pair';
import { openSerial } from '../../electron/host/devices/transports/serial';
import { healthypi5 } from '../../electron/host/devices/drivers/healthypi5';
import {
  encodeHealthypi5Frame,
  Healthypi5Simulator,
  syntheticSource,
} from '../../electron/host/devices/simulators/healthypi5';

const root = join(import.meta.dirname, '..', '..');

interface Run {
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Resolves once stderr has shown a line matching the pattern. */
  said(pattern: RegExp): Promise<void>;
}

function runWorkstation(args: string[]): Run {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './test/support/raw-import.mjs',
      'electron/cli/index.ts',
      ...args,
    ],
    { cwd: root },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return {
    done: new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr }))),
    said: (pattern) =>
      new Promise((resolve) => {
        const check = () => {
          if (!pattern.test(stderr)) return;
          child.stderr.off('data', check);
          resolve();
        };
        child.stderr.on('data', check);
        check();
      }),
  };
}

describe('workstation capture', () => {
  let dir: string;
  let pair: PtyPair;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-capture-'));
    pair = await openPtyPair(dir, 'hp5');
  });

  afterAll(async () => {
    await pair?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every byte the device sent, and decode replays the frames', async () => {
    const out = join(dir, 'capture.bin');
    const capturing = runWorkstation([
      'capture',
      '--device',
      `healthypi5:${pair.devicePath}`,
      '--seconds',
      '3',
      '--out',
      out,
    ]);
    await capturing.said(/Capturing/); // the capture holds the port open first
    const sent: Uint8Array[] = [];
    const port = await openSerial(pair.simulatorPath, healthypi5.descriptor.serial!, {
      onData: () => {},
      onLost: () => {},
    });
    const simulator = new Healthypi5Simulator({
      source: syntheticSource({ hr: 80 }),
      vitals: { hr: 80, spo2: 96, rr: 14, tempC: 37.1 },
      write: (bytes) => void port.write(bytes).catch(() => {}),
      onFrame: (_index, sample) => sent.push(encodeHealthypi5Frame(sample)),
    });
    simulator.start();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    simulator.stop();
    await port.close();

    const { code, stdout } = await capturing.done;
    expect(code).toBe(0);
    const expected = Buffer.concat(sent);
    expect(readFileSync(out).equals(expected)).toBe(true);
    expect(JSON.parse(stdout.trim())).toMatchObject({
      bytes: expected.length,
      framesOk: sent.length,
      framesBad: 0,
      bytesSkipped: 0,
    });

    const replay = await runWorkstation(['decode', '--driver', 'healthypi5', '--input', out]).done;
    const lines = replay.stdout.trim().split('\n');
    expect(lines).toHaveLength(sent.length + 1);
    expect(JSON.parse(lines[0]!).numerics).toMatchObject({
      MDC_PULS_OXIM_SAT_O2: 96,
      MDC_TEMP_BODY: 37.1,
    });
  });
});
