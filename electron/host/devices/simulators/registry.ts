// Every device simulator, by driver id: what `workstation simulate` and the demo can play.
import type { DeviceSimulator, SimulatorOptions } from '../simulator';
import { Healthypi5Simulator, recordingSource, syntheticSource } from './healthypi5';
import { loadDemoRecordings } from './recordings';

export interface SimulatorContext {
  /** The shipped demo recordings, or null where they are missing (synthetic shapes instead). */
  recordingsDir: string | null;
}

type SimulatorFactory = (
  options: SimulatorOptions,
  context: SimulatorContext,
) => DeviceSimulator | Promise<DeviceSimulator>;

const factories: Record<string, SimulatorFactory> = {
  healthypi5: async (options, { recordingsDir }) =>
    new Healthypi5Simulator({
      ...options,
      source: recordingsDir
        ? recordingSource(await loadDemoRecordings(recordingsDir))
        : syntheticSource({ hr: options.vitals.hr }),
    }),
};

export function simulatorIds(): string[] {
  return Object.keys(factories);
}

export function createSimulator(
  driverId: string,
  options: SimulatorOptions,
  context: SimulatorContext,
): Promise<DeviceSimulator> | null {
  const factory = factories[driverId];
  return factory ? Promise.resolve(factory(options, context)) : null;
}
