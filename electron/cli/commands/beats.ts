// `workstation beats`: the beat detector and classifier run over one lead of a WFDB record (and a
// second lead when asked for), one JSON object per beat on stdout with its AAMI EC57 class
// (N, S, V, F, Q), so its output can be compared with the record's reference annotations.
import { RhythmAnalyzer } from '../../host/signals/rhythm';
import type { ClassifiedBeat } from '../../host/signals/beat-class';
import { CliError, parseOptions } from '../cli-error';
import { leadArgument, readRecordArgument } from './wfdb-input';

/** Samples handed to the analyzer at a time, as they would arrive from a device. */
const BLOCK_SAMPLES = 4096;

export async function runBeats(args: string[]): Promise<number> {
  const options = parseOptions(args, {
    wfdb: { type: 'string' },
    lead: { type: 'string' },
    'second-lead': { type: 'string' },
  });
  if (!options.wfdb) throw new CliError('beats needs --wfdb RECORD (the path without .hea).');
  const lead = leadArgument(options.lead);
  const secondLead =
    options['second-lead'] === undefined ? undefined : leadArgument(options['second-lead']);
  const record = readRecordArgument(options.wfdb);
  const signals = `${record.name} has ${record.channels.length} signals (0–${record.channels.length - 1})`;
  const channel = record.channels[lead];
  if (!channel) throw new CliError(`${signals}; there is no lead ${lead}.`);
  const second = secondLead === undefined ? undefined : record.channels[secondLead];
  if (secondLead !== undefined && (!second || secondLead === lead)) {
    throw new CliError(`${signals}; lead ${secondLead} cannot be the second lead.`);
  }
  if (second && second.rateHz !== channel.rateHz) {
    throw new CliError(
      `${record.name}: signals ${lead} and ${secondLead} are sampled at different rates.`,
    );
  }
  let analyzer;
  try {
    analyzer = new RhythmAnalyzer(channel.rateHz, { leads: second ? 2 : 1 });
  } catch (error) {
    throw new CliError(`${record.name}, signal ${lead}: ${(error as Error).message}.`);
  }
  const { samples, rateHz } = channel;
  const lines: string[] = [];
  const print = (beats: readonly ClassifiedBeat[]) => {
    for (const beat of beats) {
      lines.push(
        JSON.stringify({
          sample: beat.sample,
          time: Number((beat.sample / rateHz).toFixed(4)),
          class: beat.class,
        }),
      );
    }
  };
  for (let at = 0; at < samples.length; at += BLOCK_SAMPLES) {
    const to = at + BLOCK_SAMPLES;
    analyzer.push(samples.subarray(at, to), second?.samples.subarray(at, to));
    print(analyzer.beats);
    if (lines.length >= 1000) process.stdout.write(lines.splice(0).join('\n') + '\n');
  }
  print(analyzer.end());
  if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
