// Decoder throughput: a long stream of valid HealthyPi 5 frames (the spec's worked example), fed
// in 4 KiB reads.
import { healthypi5 } from '../../electron/host/devices/drivers/healthypi5';
import { HEALTHYPI5_WORKED_EXAMPLE } from '../support/healthypi5-example';

export function decodeThroughput(bytes: number): {
  megabytesPerSecond: number;
  framesPerSecond: number;
} {
  const frame = HEALTHYPI5_WORKED_EXAMPLE;
  const stream = new Uint8Array(Math.floor(bytes / frame.length) * frame.length);
  for (let offset = 0; offset < stream.length; offset += frame.length) stream.set(frame, offset);
  const decoder = healthypi5.createDecoder();
  const start = performance.now();
  for (let offset = 0; offset < stream.length; offset += 4096)
    decoder.push(stream.subarray(offset, offset + 4096));
  const seconds = (performance.now() - start) / 1000;
  return {
    megabytesPerSecond: stream.length / 1e6 / seconds,
    framesPerSecond: decoder.stats.framesOk / seconds,
  };
}
