// `workstation decode`: replays a captured byte stream through a driver and prints what it
// decodes, so a biomed can check a device (or a capture from one) without the whole workstation.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { findDriver, driverIds } from '../../host/devices/manifest';
import { CliError, parseOptions } from '../cli-error';
import type { DecodedFrame } from '../../host/devices/driver';

export async function runDecode(args: string[]): Promise<number> {
  const options = parseOptions(args, { driver: { type: 'string' }, input: { type: 'string' } });
  if (!options.driver)
    throw new CliError(`--driver is required (one of: ${driverIds().join(', ')}).`);
  const driver = findDriver(options.driver);
  if (!driver)
    throw new CliError(`Unknown driver "${options.driver}" (known: ${driverIds().join(', ')}).`);
  const input: Readable =
    !options.input || options.input === '-' ? process.stdin : createReadStream(options.input);

  const decoder = driver.createDecoder();
  const scales = new Map(driver.descriptor.channels.map((channel) => [channel.key, channel.scale]));
  // Values whose scale is public are printed in physical units; the rest stay raw counts, as the
  // descriptor says (nothing is invented).
  const inPhysicalUnits = (frame: DecodedFrame): DecodedFrame => ({
    ...frame,
    samples: Object.fromEntries(
      Object.entries(frame.samples).map(([key, values]) => {
        const scale = scales.get(key);
        return [key, scale == null ? values : values.map((value) => value * scale)];
      }),
    ),
  });
  const out = process.stdout;
  try {
    for await (const chunk of input) {
      const lines = decoder
        .push(chunk as Buffer)
        .map((frame) => JSON.stringify(inPhysicalUnits(frame)));
      if (lines.length > 0 && !out.write(lines.join('\n') + '\n')) {
        await new Promise((resolve) => out.once('drain', resolve));
      }
    }
  } catch (error) {
    throw new CliError(`Cannot read ${options.input ?? 'stdin'}: ${(error as Error).message}`);
  }
  const { framesOk, framesBad, bytesSkipped } = decoder.stats;
  out.write(JSON.stringify({ summary: { framesOk, framesBad, bytesSkipped } }) + '\n');
  return 0;
}
