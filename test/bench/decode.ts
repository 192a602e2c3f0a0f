// Decoder throughput per driver: a long stream recorded from the driver's own simulator (so every
// frame type and field the simulator produces is in it), decoded in 4 KiB reads.
import { findDriver } from '../../electron/host/devices/manifest';
import { createSimulator } from '../../electron/host/devices/simulators/registry';

const DEVICE_SECONDS = 60;
const TICK_MS = 10;

/** Bytes a simulator sends in `seconds` of device time, driven by a fake clock (no waiting). */
export async function recordSimulator(
  driverId: string,
  seconds = DEVICE_SECONDS,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let now = 0;
  let tick: (() => void) | null = null;
  const realSetInterval = globalThis.setInterval;
  // The simulators pace themselves with setInterval: capture the tick and call it ourselves.
  globalThis.setInterval = ((fn: () => void) => {
    tick = fn;
    return realSetInterval(() => {}, 1 << 30);
  }) as typeof setInterval;
  try {
    const simulator = await createSimulator(
      driverId,
      {
        vitals: { hr: 72, spo2: 97, rr: 15, tempC: 36.8 },
        write: (bytes) => chunks.push(bytes.slice()),
        now: () => now,
      },
      { recordingsDir: null },
    )!;
    simulator.start();
    const start = findDriver(driverId)?.commands.start;
    if (start) simulator.receive?.(start);
    for (now = 0; now <= seconds * 1000; now += TICK_MS) (tick as (() => void) | null)?.();
    simulator.stop();
  } finally {
    globalThis.setInterval = realSetInterval;
  }
  return Buffer.concat(chunks);
}

export async function decodeThroughput(
  driverId: string,
  targetBytes: number,
): Promise<{ megabytesPerSecond: number; framesPerSecond: number; framesBad: number }> {
  const recording = await recordSimulator(driverId);
  const copies = Math.max(1, Math.floor(targetBytes / recording.length));
  const stream = new Uint8Array(recording.length * copies);
  for (let i = 0; i < copies; i++) stream.set(recording, i * recording.length);
  const decoder = findDriver(driverId)!.createDecoder();
  const start = performance.now();
  for (let offset = 0; offset < stream.length; offset += 4096)
    decoder.push(stream.subarray(offset, offset + 4096));
  const seconds = (performance.now() - start) / 1000;
  return {
    megabytesPerSecond: stream.length / 1e6 / seconds,
    framesPerSecond: decoder.stats.framesOk / seconds,
    framesBad: decoder.stats.framesBad,
  };
}
