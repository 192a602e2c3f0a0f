// Runs the HealthyPi 5 simulator on a serial port (one end of a pseudo-terminal pair, or a real
// USB-serial adapter looped to the workstation).
import { openSerial } from '../transports/serial';
import { healthypi5 } from '../drivers/healthypi5';
import {
  Healthypi5Simulator,
  recordingSource,
  syntheticSource,
  type Vitals,
  type WaveformSource,
} from './healthypi5';
import { loadDemoRecordings } from './recordings';

export type { Vitals };

export const DEFAULT_VITALS: Vitals = { hr: 72, spo2: 98, rr: 16, tempC: 36.5 };

export interface SimulatorOnPort {
  simulator: Healthypi5Simulator;
  /** Resolves when the port goes away (the other end closed). */
  lost: Promise<string>;
  stop(): Promise<void>;
}

export async function demoSource(
  recordingsDir: string | null,
  hr: number,
): Promise<WaveformSource> {
  return recordingsDir
    ? recordingSource(await loadDemoRecordings(recordingsDir))
    : syntheticSource({ hr });
}

export async function runSimulatorOnPort(
  path: string,
  source: WaveformSource,
  vitals: Vitals = DEFAULT_VITALS,
): Promise<SimulatorOnPort> {
  let reportLost: (reason: string) => void = () => {};
  const lost = new Promise<string>((resolve) => (reportLost = resolve));
  const serial = healthypi5.descriptor.serial!;
  const port = await openSerial(path, serial, {
    onData: () => {},
    onLost: (reason) => reportLost(reason),
  });
  const simulator = new Healthypi5Simulator({
    source,
    vitals,
    write: (bytes) => void port.write(bytes).catch((error: Error) => reportLost(error.message)),
  });
  simulator.start();
  return {
    simulator,
    lost,
    async stop() {
      simulator.stop();
      await port.close();
    },
  };
}
