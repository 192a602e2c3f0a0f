// Decoder throughput per driver: a long stream recorded from the driver's own simulator (so every
// frame type and field the simulator produces is in it), decoded in 4 KiB reads.
import { findDriver } from '../../electron/host/devices/manifest';
import { recordSimulator } from '../../electron/host/devices/testing/simulator-recording';

const DEVICE_SECONDS = 60;

export async function decodeThroughput(
  driverId: string,
  targetBytes: number,
): Promise<{ megabytesPerSecond: number; framesPerSecond: number; framesBad: number }> {
  // Commanded and polled devices are answered as a session would (start, keep-alives, replies).
  const recording = Buffer.concat(await recordSimulator(driverId, DEVICE_SECONDS));
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
