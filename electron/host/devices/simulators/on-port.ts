// Runs a device simulator on a serial port (one end of a pseudo-terminal pair, or a real
// USB-serial adapter looped to the workstation). Bytes the host sends reach the simulator, so
// devices that must be commanded (start, keep-alive, polls) behave as they would.
import { openSerial } from '../transports/serial';
import { findDriver } from '../manifest';
import type { DeviceSimulator, SimulatedVitals } from '../simulator';
import { createSimulator, simulatorIds, type SimulatorContext } from './registry';

export type Vitals = SimulatedVitals;

export const DEFAULT_VITALS: Vitals = { hr: 72, spo2: 98, rr: 16, tempC: 36.5 };

export interface SimulatorOnPort {
  simulator: DeviceSimulator;
  /** Resolves when the port goes away (the other end closed). */
  lost: Promise<string>;
  stop(): Promise<void>;
}

export async function runSimulatorOnPort(
  path: string,
  driverId: string,
  context: SimulatorContext,
  vitals: Vitals = DEFAULT_VITALS,
): Promise<SimulatorOnPort> {
  const serial = findDriver(driverId)?.descriptor.serial;
  if (!serial) {
    throw new Error(
      `No simulator for "${driverId}". Simulators exist for: ${simulatorIds().join(', ')}.`,
    );
  }
  let reportLost: (reason: string) => void = () => {};
  const lost = new Promise<string>((resolve) => (reportLost = resolve));
  let simulator: DeviceSimulator | null = null;
  const port = await openSerial(path, serial, {
    onData: (bytes) => simulator?.receive?.(bytes),
    onLost: (reason) => reportLost(reason),
  });
  const created = createSimulator(
    driverId,
    {
      vitals,
      write: (bytes) => void port.write(bytes).catch((error: Error) => reportLost(error.message)),
    },
    context,
  );
  if (!created) {
    await port.close();
    throw new Error(
      `No simulator for "${driverId}". Simulators exist for: ${simulatorIds().join(', ')}.`,
    );
  }
  simulator = await created;
  simulator.start();
  const running = simulator;
  return {
    simulator: running,
    lost,
    async stop() {
      running.stop();
      await port.close();
    },
  };
}
