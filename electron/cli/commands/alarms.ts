// `workstation alarms`: a WFDB record replayed through the workstation's signals and alarm system
// with the default adult limits; one JSON object per alarm state change on stdout, timed from
// the record's start, so a biomedical engineer can check what would have alarmed, and when.
import { replayRecord } from '../../host/alarms/replay';
import { CliError, parseOptions } from '../cli-error';
import { leadArgument, readRecordArgument } from './wfdb-input';

export async function runAlarms(args: string[]): Promise<number> {
  const options = parseOptions(args, { wfdb: { type: 'string' }, lead: { type: 'string' } });
  if (!options.wfdb) throw new CliError('alarms needs --wfdb RECORD (the path without .hea).');
  const lead = leadArgument(options.lead);
  const record = readRecordArgument(options.wfdb);
  const rateHz = record.channels[lead]?.rateHz ?? 0;
  const lines: Array<{ at: number; line: string }> = [];
  try {
    replayRecord(record, {
      lead,
      onEntry: ({ event, at, actor, alarm, code, message, reason }) => {
        lines.push({
          at,
          line: JSON.stringify({
            time: Number((at / 1000).toFixed(3)),
            sample: Math.round((at * rateHz) / 1000),
            event,
            code,
            ...(alarm
              ? { kind: alarm.kind, priority: alarm.priority, value: rounded(alarm.value) }
              : {}),
            ...(alarm?.limit != null ? { limit: alarm.limit } : {}),
            message,
            actor,
            ...(reason ? { reason } : {}),
          }),
        });
      },
    });
  } catch (error) {
    throw new CliError(`${record.name}: ${(error as Error).message}.`);
  }
  // A detector decides a little after the samples it judged: in time order, ties as they came.
  lines.sort((a, b) => a.at - b.at);
  if (lines.length > 0) process.stdout.write(lines.map((l) => l.line).join('\n') + '\n');
  return 0;
}

function rounded(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}
