// `--demo [N]`: N beds fed by device simulators through real pseudo-terminal pairs, playing real
// recordings (MIT-BIH ECG, BIDMC pleth and respiration), each with a fictional patient. The host
// cannot tell them from devices on /dev/ttyACM0. One bed: the HealthyPi 5; more: a mix of devices.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPtyPair, type PtyPair } from './devices/simulators/pty-pair';
import {
  runSimulatorOnPort,
  type SimulatorOnPort,
  type Vitals,
} from './devices/simulators/on-port';
import type { DeviceConfig } from './devices/device-config';
import type { Workstation } from './workstation';
import { demoRecordingsDir } from './locate';
import { OmronHem790itSimulator } from './devices/simulators/omron-hem790it';
import type { HidReportTransport } from './devices/transports/hid';

/** A fictional patient for a demo bed: obviously not a person. */
export interface DemoPatient {
  familyName: string;
  givenName: string;
  mrn: string;
  birthDate: string;
  category: 'adult' | 'paediatric' | 'neonatal';
}

export interface DemoBed {
  label: string;
  devices: DeviceConfig[];
  patient: DemoPatient;
}

export interface Demo {
  beds: DemoBed[];
  /** The first bed's first simulator (steered by hand in the single-bed demo). */
  simulator: SimulatorOnPort['simulator'];
  /** A simulated Omron HEM-790IT holding a few readings, where node-hid would open the USB one. */
  openHid: () => Promise<HidReportTransport>;
  stop(): Promise<void>;
}

/** The most beds a demo starts: two central-station screens. */
export const MAX_DEMO_BEDS = 32;

/**
 * The device mix, bed by bed (then again): HealthyPi 5 (ECG 128 Hz), IntelliVue (ECG 500 Hz),
 * Datex S/5 (ECG 300 Hz, uncalibrated), HealthyPi 4 (125 Hz), and one bed with an ECG device and
 * a separate pulse oximeter, as at a real bedside.
 */
const DEVICE_MIX: readonly (readonly string[])[] = [
  ['healthypi5'],
  ['intellivue-mib'],
  ['healthypi5'],
  ['datex-s5'],
  ['intellivue-mib'],
  ['healthypi4'],
  ['intellivue-mib'],
  ['healthypi5', 'cms50-v7'],
];

/** Vitals per bed: the ECG is the recording's (about 75/min); one bed desaturates (SpO₂ 89 %). */
const DEMO_VITALS: readonly Vitals[] = [
  { hr: 74, spo2: 98, rr: 16, tempC: 36.6 },
  { hr: 76, spo2: 96, rr: 14, tempC: 37.1 },
  { hr: 73, spo2: 97, rr: 18, tempC: 36.8 },
  { hr: 75, spo2: 95, rr: 20, tempC: 37.4 },
  { hr: 74, spo2: 99, rr: 12, tempC: 36.4 },
  { hr: 77, spo2: 94, rr: 22, tempC: 38.1 },
  { hr: 75, spo2: 97, rr: 15, tempC: 36.9 },
  { hr: 74, spo2: 89, rr: 24, tempC: 37.6 },
];

const GIVEN_NAMES = 'Ada Ben Cleo Dev Eli Fay Gus Hana Ivo Jun Kit Lou Mo Nia Oz Pia'.split(' ');

/** Patient n of the demo: "Demo, Ada", MRN DEMO-0001; nobody is called that by accident. */
export function demoPatient(n: number): DemoPatient {
  const round = Math.floor(n / GIVEN_NAMES.length);
  const given = GIVEN_NAMES[n % GIVEN_NAMES.length]!;
  return {
    familyName: 'Demo',
    givenName: round === 0 ? given : `${given} ${round + 1}`,
    mrn: `DEMO-${String(n + 1).padStart(4, '0')}`,
    birthDate: `19${String(40 + ((n * 7) % 60)).padStart(2, '0')}-0${1 + (n % 9)}-1${n % 10}`,
    category: 'adult',
  };
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

/**
 * Starts `beds` simulated beds (1 to MAX_DEMO_BEDS), each device on a pty pair of its own.
 * `mix` replaces the device mix (benchmarks: every bed an IntelliVue with ECG at 500 Hz).
 */
export async function startDemo(
  beds = 1,
  mix: readonly (readonly string[])[] = DEVICE_MIX,
): Promise<Demo> {
  if (!Number.isInteger(beds) || beds < 1 || beds > MAX_DEMO_BEDS) {
    throw new RangeError(`A demo has 1 to ${MAX_DEMO_BEDS} beds, not ${beds}.`);
  }
  const startedAt = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'workstation-demo-'));
  const pairs: PtyPair[] = [];
  const running: SimulatorOnPort[] = [];
  const stop = async () => {
    await Promise.all(running.map((simulator) => simulator.stop()));
    await Promise.all(pairs.map((pair) => pair.close()));
    rmSync(dir, { recursive: true, force: true });
  };
  const demoBeds: DemoBed[] = [];
  try {
    for (let n = 0; n < beds; n++) {
      const drivers = mix[n % mix.length]!;
      const label = `Bed ${n + 1} (demo)`;
      const devices: DeviceConfig[] = [];
      for (const driver of drivers) {
        const pair = await openPtyPair(dir, `bed${n + 1}-${driver}`);
        pairs.push(pair);
        running.push(
          await runSimulatorOnPort(
            pair.simulatorPath,
            driver,
            // Each bed plays the recordings from its own moment, so no two traces are in step.
            { recordingsDir: demoRecordingsDir(), startAtS: (n * 37) % 300 },
            DEMO_VITALS[n % DEMO_VITALS.length],
          ),
        );
        devices.push({ driver, path: pair.devicePath, bed: label });
      }
      demoBeds.push({ label, devices, patient: demoPatient(n) });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    beds: demoBeds,
    simulator: running[0]!.simulator,
    // The same readings at every download, as a real monitor's memory would hold them.
    openHid: () => Promise.resolve(demoBloodPressureMonitor(startedAt)),
    stop,
  };
}

/** Each demo bed gets its fictional patient, unless the bed (from an earlier run) has one. */
export async function admitDemoPatients(
  workstation: Pick<Workstation, 'admitPatient' | 'router' | 'beds'>,
  demo: Demo,
  log: (line: string) => void,
): Promise<void> {
  for (const bed of demo.beds) {
    try {
      await workstation.admitPatient({ ...bed.patient, bedLabel: bed.label }, 'demo');
      // The nurse's first NEWS2 round: breathing air, alert. What the monitors measure scores
      // the rest (a demo bed without a cuff shows its score as "≥ n", systolic BP missing).
      const bedId = [...workstation.beds.values()].find((b) => b.label === bed.label)?.id;
      if (bedId) {
        await workstation.router.request(
          'recordNews2Observation',
          { bedId, observation: { onOxygen: false, consciousness: 'A' } },
          { actor: 'demo' },
        );
      }
    } catch (error) {
      log(`Demo: ${bed.label} keeps the patient it has (${(error as Error).message})`);
    }
  }
}
