// `workstation alarms`: a WFDB record replayed through the workstation's signals and alarm system
// with the default adult limits; one JSON object per alarm state change on stdout, timed from
// the record's start, so a biomedical engineer can check what would have alarmed, and when.
// Interleaved in time order: the ventricular ectopy the same lead shows (`"event": "ectopy"`, each
// condition becoming active or not, see host/signals/ectopy.ts) and the VT/VF alarms the rhythm
// analysis held as probable noise (`"event": "held"`, with the reason).
import { replayRecord } from '../../host/alarms/replay';
import type { ExportRecord } from '../../host/export/record';
import { EctopyMonitor } from '../../host/signals/ectopy';
import { RhythmAnalyzer } from '../../host/signals/rhythm';
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
    lines.push(...ectopyLines(record, lead));
  } catch (error) {
    throw new CliError(`${record.name}: ${(error as Error).message}.`);
  }
  // A detector decides a little after the samples it judged: in time order, ties as they came.
  lines.sort((a, b) => a.at - b.at);
  if (lines.length > 0) process.stdout.write(lines.map((l) => l.line).join('\n') + '\n');
  return 0;
}

/** The lead's beat classes through the ectopy rules, and the VT/VF alarms held, as lines. */
function ectopyLines(record: ExportRecord, lead: number): Array<{ at: number; line: string }> {
  const { samples, rateHz } = record.channels[lead]!;
  const analyzer = new RhythmAnalyzer(rateHz);
  const ectopy = new EctopyMonitor(rateHz);
  const out: Array<{ at: number; line: string }> = [];
  const line = (sample: number, fields: Record<string, unknown>) => {
    const at = (sample * 1000) / rateHz;
    out.push({
      at,
      line: JSON.stringify({ time: Number((at / 1000).toFixed(3)), sample, ...fields }),
    });
  };
  const take = (beats: Parameters<EctopyMonitor['push']>[0]) => {
    for (const c of ectopy.push(beats)) {
      line(c.sample, { event: 'ectopy', condition: c.condition, active: c.active, value: c.value });
    }
    for (const h of analyzer.held) {
      line(h.sample, {
        event: 'held',
        condition: h.condition,
        reason: h.reason,
        value: rounded(h.value),
        detail: h.detail,
      });
    }
  };
  const block = Math.round(rateHz);
  for (let at = 0; at < samples.length; at += block) {
    analyzer.push(samples.subarray(at, at + block));
    take(analyzer.beats);
  }
  take(analyzer.end());
  return out;
}

function rounded(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}
