// `--demo`: a bed fed by the HealthyPi 5 simulator through a real pseudo-terminal pair, playing
// real recordings (MIT-BIH ECG, BIDMC pleth and respiration). The host cannot tell it from a
// device on /dev/ttyACM0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair } from './devices/simulators/pty-pair';
import { runSimulatorOnPort, type SimulatorOnPort } from './devices/simulators/on-port';
import { demoRecordingsDir } from './locate';

export interface Demo {
  devicePath: string;
  simulator: SimulatorOnPort['simulator'];
  stop(): Promise<void>;
}

export async function startDemo(): Promise<Demo> {
  const dir = mkdtempSync(join(tmpdir(), 'workstation-demo-'));
  const pair = await openPtyPair(dir, 'healthypi5');
  const running = await runSimulatorOnPort(pair.simulatorPath, 'healthypi5', {
    recordingsDir: demoRecordingsDir(),
  });
  return {
    devicePath: pair.devicePath,
    simulator: running.simulator,
    async stop() {
      await running.stop();
      await pair.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
