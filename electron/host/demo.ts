// `--demo`: a bed fed by the HealthyPi 5 simulator through a real pseudo-terminal pair, playing
// real recordings (MIT-BIH ECG, BIDMC pleth and respiration). The host cannot tell it from a
// device on /dev/ttyACM0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair } from './devices/simulators/pty-pair';
import { runSimulatorOnPort, type SimulatorOnPort } from './devices/simulators/on-port';
import { demoRecordingsDir } from './locate';
import { OmronHem790itSimulator } from './devices/simulators/omron-hem790it';
import type { HidReportTransport } from './devices/transports/hid';

export interface Demo {
  devicePath: string;
  simulator: SimulatorOnPort['simulator'];
  /** A simulated Omron HEM-790IT holding a few readings, where node-hid would open the USB one. */
  openHid: () => Promise<HidReportTransport>;
  stop(): Promise<void>;
}

const HOUR_MS = 3_600_000;
/** Fictional readings, hours before now: what a patient's home monitor might hold. */
const DEMO_BP = [
  { hoursAgo: 0.5, systolic: 126, diastolic: 81, pulse: 72 },
  { hoursAgo: 12, systolic: 134, diastolic: 86, pulse: 68 },
  { hoursAgo: 24.5, systolic: 129, diastolic: 83, pulse: 70 },
];

/** The monitor's wall-clock form of a time: local, no zone, whole seconds. */
export function monitorTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

function demoBloodPressureMonitor(now: number): HidReportTransport {
  return new OmronHem790itSimulator({
    readings: DEMO_BP.map(({ hoursAgo, ...values }) => ({
      ...values,
      takenAt: monitorTime(now - hoursAgo * HOUR_MS),
    })),
  });
}

export async function startDemo(): Promise<Demo> {
  const startedAt = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'workstation-demo-'));
  const pair = await openPtyPair(dir, 'healthypi5');
  const running = await runSimulatorOnPort(pair.simulatorPath, 'healthypi5', {
    recordingsDir: demoRecordingsDir(),
  });
  return {
    devicePath: pair.devicePath,
    simulator: running.simulator,
    // The same readings at every download, as a real monitor's memory would hold them.
    openHid: () => Promise.resolve(demoBloodPressureMonitor(startedAt)),
    async stop() {
      await running.stop();
      await pair.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
