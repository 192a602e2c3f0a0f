// A HealthyPi 5 simulator whose ECG sample values count up, so that the value drawn on screen
// tells exactly when its bytes left the device. Run as a child process by the latency benchmark;
// prints one JSON object {sentAt: [...]} (ms, index = ECG value) when it stops.
import { Healthypi5Simulator } from '../../electron/host/devices/simulators/healthypi5';
import { openSerial } from '../../electron/host/devices/transports/serial';
import { healthypi5 } from '../../electron/host/devices/drivers/healthypi5';

const [path, secondsArg] = process.argv.slice(2);
if (!path) throw new Error('usage: counter-simulator PATH SECONDS');
const seconds = Number(secondsArg ?? 10);

const port = await openSerial(path, healthypi5.descriptor.serial!, {
  onData: () => {},
  onLost: () => {},
});
const sentAt: number[] = [];
let counter = 0;
// The last write, awaited before the port closes (a write draining on a closed port throws).
let written: Promise<unknown> = Promise.resolve();
const simulator = new Healthypi5Simulator({
  source: {
    next: () => ({
      ecg: counter++,
      ir: 100_000 + (counter % 128) * 50,
      red: 90_000,
      bioz: counter % 64,
    }),
  },
  vitals: { hr: 72, spo2: 98, rr: 16, tempC: 36.5 },
  write: (bytes) => {
    const now = Date.now();
    while (sentAt.length < counter) sentAt.push(now);
    written = port.write(bytes);
  },
});
simulator.start();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
simulator.stop();
await written.catch(() => undefined);
await port.close();
process.stdout.write(JSON.stringify({ sentAt }) + '\n');
