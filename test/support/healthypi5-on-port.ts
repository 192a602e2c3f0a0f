// A HealthyPi 5 simulator (synthetic waves, HR 72, SpO2 97) streaming into one end of a serial
// port, keeping every sample it sent, for the tests and benchmarks that watch the host's end.
import { healthypi5 } from '../../electron/host/devices/drivers/healthypi5';
import {
  Healthypi5Simulator,
  syntheticSource,
  type Healthypi5Sample,
} from '../../electron/host/devices/simulators/healthypi5';
import type { ByteTransport } from '../../electron/host/devices/transports/byte-transport';
import { openSerial } from '../../electron/host/devices/transports/serial';

export interface Healthypi5OnPort {
  simulator: Healthypi5Simulator;
  /** Every sample written, in order. */
  sent: Healthypi5Sample[];
  port: ByteTransport;
}

export async function runHealthypi5OnPort(path: string): Promise<Healthypi5OnPort> {
  const sent: Healthypi5Sample[] = [];
  const port = await openSerial(path, healthypi5.descriptor.serial!, {
    onData: () => {},
    onLost: () => {},
  });
  const simulator = new Healthypi5Simulator({
    source: syntheticSource({ hr: 72 }),
    vitals: { hr: 72, spo2: 97, rr: 15, tempC: 36.6 },
    // After the cable is pulled writes fail, as they would on a real port; the test watches the host.
    write: (bytes) => void port.write(bytes).catch(() => {}),
    onFrame: (_index, sample) => sent.push(sample),
  });
  simulator.start();
  return { simulator, sent, port };
}
