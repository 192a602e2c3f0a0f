// A simulated device on a noisy line: its simulator's frames, byte-exact, with a line of text
// written between them every few writes (firmware printing debug text, a cable picking up noise).
// Counts the junk bytes sent, so a test can check the host's count to the byte.
import { findDriver } from '../../electron/host/devices/manifest';
import { DEFAULT_VITALS } from '../../electron/host/devices/simulators/on-port';
import { createSimulator } from '../../electron/host/devices/simulators/registry';
import type { DeviceSimulator } from '../../electron/host/devices/simulator';
import { openSerial } from '../../electron/host/devices/transports/serial';

export const DEBUG_LINE = 'DBG afe: lead check ok\r\n';

export interface NoisyDevice {
  simulator: DeviceSimulator;
  /** Junk bytes written so far. */
  junkBytes(): number;
  /** Starts or stops the junk; the frames go on either way. */
  setJunk(on: boolean): void;
  stop(): Promise<void>;
}

/** Runs `driverId`'s simulator on `path`, writing `junk` after every `everyWrites`-th write. */
export async function runNoisyDevice(
  path: string,
  driverId: string,
  everyWrites: number,
  junk = DEBUG_LINE,
): Promise<NoisyDevice> {
  const serial = findDriver(driverId)?.descriptor.serial;
  if (!serial) throw new Error(`${driverId} is not a serial device`);
  const junkBytes = new TextEncoder().encode(junk);
  let simulator: DeviceSimulator | null = null;
  let writes = 0;
  let junkSent = 0;
  let junkOn = true;
  const port = await openSerial(path, serial, {
    onData: (bytes) => simulator?.receive?.(bytes),
    onLost: () => {},
  });
  const created = createSimulator(
    driverId,
    {
      vitals: DEFAULT_VITALS,
      // Writes reach the port in order: the junk lands between two whole writes of frames.
      write: (bytes) => {
        void port.write(bytes).catch(() => {});
        if (!junkOn || ++writes % everyWrites !== 0) return;
        void port.write(junkBytes).catch(() => {});
        junkSent += junkBytes.length;
      },
    },
    { recordingsDir: null },
  );
  if (!created) {
    await port.close();
    throw new Error(`No simulator for ${driverId}`);
  }
  const running = await created;
  simulator = running;
  running.start();
  return {
    simulator: running,
    junkBytes: () => junkSent,
    setJunk: (on) => (junkOn = on),
    async stop() {
      running.stop();
      await port.close();
    },
  };
}
