// Every device simulator, by driver id: what `workstation simulate` and the demo can play.
import type { DeviceSimulator, SimulatorOptions } from '../simulator';
import { Healthypi5Simulator, recordingSource, syntheticSource } from './healthypi5';
import { basename, dirname } from 'node:path';
import { loadDemoRecordings, loadEcg, startingAt } from './recordings';
import { createHealthypi4Simulator } from './healthypi4';
import { createCms50Simulator } from './cms50';
import { createOpenbciSimulator } from './openbci';
import { createNoninSimulator } from './nonin';
import { createMasimoSimulator } from './masimo';
import { createIntellivueSimulator } from './intellivue';
import { recordingWaveSource } from './intellivue-waves';
import { createDatexSimulator, recordedDatexWaves } from './datex';

export interface SimulatorContext {
  /** The shipped demo recordings, or null where they are missing (synthetic shapes instead). */
  recordingsDir: string | null;
  /** Where in the recordings playback starts (s), so that several demo beds differ. */
  startAtS?: number;
  /**
   * A WFDB record (path without extension, format 212) whose signal 0 is played as the ECG
   * instead of the demo's (a record with ectopic beats, for trainers and tests).
   */
  ecgRecord?: string;
}

/** The demo recordings, played from `startAtS` on, with another ECG where one is given. */
async function recordingsFor({ recordingsDir, startAtS = 0, ecgRecord }: SimulatorContext) {
  if (!recordingsDir) return null;
  const recordings = await loadDemoRecordings(recordingsDir);
  if (ecgRecord) recordings.ecg = await loadEcg(dirname(ecgRecord), basename(ecgRecord));
  return startingAt(recordings, startAtS);
}

type SimulatorFactory = (
  options: SimulatorOptions,
  context: SimulatorContext,
) => DeviceSimulator | Promise<DeviceSimulator>;

const factories: Record<string, SimulatorFactory> = {
  healthypi5: async (options, context) => {
    const recordings = await recordingsFor(context);
    return new Healthypi5Simulator({
      ...options,
      source: recordings
        ? recordingSource(recordings)
        : syntheticSource({ hr: options.vitals.hr, rr: options.vitals.rr }),
    });
  },
  healthypi4: (options) => createHealthypi4Simulator(options),
  'cms50-v7': (options) => createCms50Simulator('v7', options),
  'cms50-v5': (options) => createCms50Simulator('v5', options),
  'openbci-cyton': (options) => createOpenbciSimulator(options),
  'masimo-ascii': (options) => createMasimoSimulator(options),
  'nonin-2': (options) => createNoninSimulator(2, options),
  'nonin-7': (options) => createNoninSimulator(7, options),
  'nonin-8': (options) => createNoninSimulator(8, options),
  'intellivue-mib': async (options, context) => {
    const recordings = await recordingsFor(context);
    return createIntellivueSimulator({
      ...options,
      ...(recordings ? { waveSource: recordingWaveSource(recordings) } : {}),
    });
  },
  'datex-s5': async (options, context) => {
    const recordings = await recordingsFor(context);
    return createDatexSimulator({
      ...options,
      waveSource: recordings ? (vitals) => recordedDatexWaves(recordings, vitals) : undefined,
    });
  },
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
