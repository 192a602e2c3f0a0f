// `workstation beats`: the beat detector run over one lead of a WFDB record, one JSON object per
// beat on stdout, so its output can be compared with the record's reference annotations.
import { BeatDetector } from '../../host/signals/beat-detector';
import { CliError, parseOptions } from '../cli-error';
import { leadArgument, readRecordArgument } from './wfdb-input';

/** Samples handed to the detector at a time, as they would arrive from a device. */
const BLOCK_SAMPLES = 4096;

export async function runBeats(args: string[]): Promise<number> {
  const options = parseOptions(args, {
    wfdb: { type: 'string' },
    lead: { type: 'string' },
  });
  if (!options.wfdb) throw new CliError('beats needs --wfdb RECORD (the path without .hea).');
  const lead = leadArgument(options.lead);
  const record = readRecordArgument(options.wfdb);
  const channel = record.channels[lead];
  if (!channel) {
    throw new CliError(
      `${record.name} has ${record.channels.length} signals (0–${record.channels.length - 1}); there is no lead ${lead}.`,
    );
  }
  let detector;
  try {
    detector = new BeatDetector(channel.rateHz);
  } catch (error) {
    throw new CliError(`${record.name}, signal ${lead}: ${(error as Error).message}.`);
  }
  const { samples, rateHz } = channel;
  const lines: string[] = [];
  for (let at = 0; at < samples.length; at += BLOCK_SAMPLES) {
    for (const beat of detector.push(samples.subarray(at, at + BLOCK_SAMPLES))) {
      lines.push(
        JSON.stringify({ sample: beat.sample, time: Number((beat.sample / rateHz).toFixed(4)) }),
      );
    }
    if (lines.length >= 1000) process.stdout.write(lines.splice(0).join('\n') + '\n');
  }
  if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
