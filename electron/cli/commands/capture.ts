// `workstation capture`: records a device's raw bytes to a file for diagnostics, exactly as they
// arrived, so that `workstation decode --input FILE` (or a later, better driver) can replay them.
// Commanded devices are sent their start command and keep-alives, as the workstation would.
import { createWriteStream } from 'node:fs';
import { findDriver, driverIds } from '../../host/devices/manifest';
import { parseDeviceSpec } from '../../host/devices/device-config';
import { openSerial } from '../../host/devices/transports/serial';
import { CliError, numberOption, parseOptions } from '../cli-error';

export async function runCapture(args: string[]): Promise<number> {
  const options = parseOptions(args, {
    device: { type: 'string' },
    seconds: { type: 'string' },
    out: { type: 'string' },
  });
  if (!options.device || !options.out) {
    throw new CliError('capture needs --device DRIVER:PATH --seconds N --out FILE.');
  }
  const spec = parseDeviceSpec(options.device);
  if (typeof spec === 'string') throw new CliError(spec);
  const driver = findDriver(spec.driver);
  if (!driver?.descriptor.serial) {
    throw new CliError(
      `Unknown serial driver "${spec.driver}" (known: ${driverIds().join(', ')}).`,
    );
  }
  const seconds = numberOption('seconds', options.seconds, 10);
  if (!(seconds > 0)) throw new CliError(`--seconds must be above 0, got ${seconds}.`);

  const file = createWriteStream(options.out);
  const decoder = driver.createDecoder();
  let bytes = 0;
  let lostReason: string | null = null;
  const port = await openSerial(spec.path, driver.descriptor.serial, {
    onData: (chunk) => {
      bytes += chunk.length;
      file.write(chunk);
      decoder.push(chunk);
    },
    onLost: (reason) => (lostReason = reason),
  }).catch((error: Error) => {
    throw new CliError(error.message);
  });
  console.error(`Capturing ${driver.descriptor.displayName} on ${spec.path} for ${seconds} s…`);
  const { start, keepAlive, stop } = driver.commands;
  if (start) await port.write(start);
  const keepAliveTimer = keepAlive
    ? setInterval(() => void port.write(keepAlive.bytes).catch(() => {}), keepAlive.everyMs)
    : undefined;

  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline && lostReason === null) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  clearInterval(keepAliveTimer);
  if (stop && lostReason === null) await port.write(stop).catch(() => {});
  await port.close();
  await new Promise<void>((resolve, reject) =>
    file.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );

  const { framesOk, framesBad, bytesSkipped } = decoder.stats;
  console.log(
    JSON.stringify({
      out: options.out,
      bytes,
      framesOk,
      framesBad,
      bytesSkipped,
      lost: lostReason,
    }),
  );
  if (framesOk === 0) {
    console.error(
      `No recognisable ${driver.descriptor.displayName} frames from ${spec.path} in ${seconds} s.`,
    );
    return 1;
  }
  return lostReason === null ? 0 : 1;
}
