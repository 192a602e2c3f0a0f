// The live benches' run: the counting HealthyPi 5 simulator (counter-simulator.ts, a child
// process) plays into a pty for `seconds`; this process's event-loop lag is measured while it
// plays, once the device has had 1.5 s to connect. Returns when each ECG value left it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const LAG_RESOLUTION_MS = 2;

export async function playCounter(
  simulatorPath: string,
  seconds: number,
): Promise<{ sentAt: number[]; eventLoopLagP99Ms: number }> {
  const simulator = spawn(
    process.execPath,
    [
      ...['--import', 'tsx', join(import.meta.dirname, 'counter-simulator.ts')],
      ...[simulatorPath, String(seconds)],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  simulator.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => simulator.once('exit', () => resolve()));
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  await new Promise((resolve) => setTimeout(resolve, 1500)); // the device connects first
  lag.enable();
  await exited;
  lag.disable();
  const { sentAt } = JSON.parse(output) as { sentAt: number[] };
  // The histogram records whole timer intervals; lag is how far past its interval a timer fired.
  return { sentAt, eventLoopLagP99Ms: Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS) };
}
