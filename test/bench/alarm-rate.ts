// How often the 16-bed demo raises alarms, as a nurse at its central station would live it.
// `npm run bench:alarms` (10 minutes; ALARM_RATE_MINUTES=N for another length): the demo's default
// device mix on real pseudo-terminals, the demo's fictional patients admitted, every alarm-log
// entry counted from the bus. One JSON line per alarm code, then the totals: raises per
// bed-hour (technical and physiological), how many alarms ended within 5 s of being raised
// (chatter), and the median length of a technical alarm.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admitDemoPatients, startDemo } from '../../electron/host/demo';
import { startWorkstation } from '../../electron/host/workstation';
import { median, report, round } from './stats';

const minutes = Number(process.env.ALARM_RATE_MINUTES ?? 10);
const beds = Number(process.env.ALARM_RATE_BEDS ?? 16);
const dir = mkdtempSync(join(tmpdir(), 'ws-bench-alarms-'));
const demo = await startDemo(beds);
const workstation = await startWorkstation({
  dataDir: join(dir, 'data'),
  devices: demo.beds.flatMap((bed) => bed.devices),
  openHid: demo.openHid,
  log: () => {},
});

interface Raised {
  code: string;
  kind: string;
  priority: string;
  at: number;
}
const raised: Raised[] = [];
const open = new Map<string, number>(); // alarm id → raised at
const lengthsMs: { code: string; kind: string; ms: number }[] = [];
/** How long a bed was without an alarm of a code before it was raised again (chatter's mark). */
const gapsMs: number[] = [];
const endedAt = new Map<string, number>(); // bed + code → when its last alarm ended
let counting = false;
workstation.bus.on('alarms', ({ bedId, log }) => {
  if (!counting) return;
  for (const entry of log) {
    const alarm = entry.alarm;
    if (!alarm) continue;
    const key = `${bedId} ${alarm.code}`;
    if (entry.event === 'raised') {
      if (endedAt.has(key)) gapsMs.push(entry.at - endedAt.get(key)!);
      // A code is generic per device (`DEVICE_NO_DATA:<device>`): count by its stem.
      raised.push({
        code: alarm.code.split(':')[0]!,
        kind: alarm.kind,
        priority: alarm.priority,
        at: entry.at,
      });
      open.set(alarm.id, entry.at);
    } else if (entry.event === 'ended' && open.has(alarm.id)) {
      lengthsMs.push({
        code: alarm.code.split(':')[0]!,
        kind: alarm.kind,
        ms: entry.at - open.get(alarm.id)!,
      });
      open.delete(alarm.id);
      endedAt.set(key, entry.at);
    }
  }
});

try {
  await admitDemoPatients(workstation, demo, () => {});
  // The first seconds are devices connecting and signals settling: not what a shift looks like.
  await new Promise((resolve) => setTimeout(resolve, 15_000));
  counting = true;
  const startedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, minutes * 60_000));
  counting = false;
  const bedHours = (beds * (Date.now() - startedAt)) / 3_600_000;

  const byCode = new Map<string, Raised[]>();
  for (const r of raised) byCode.set(r.code, [...(byCode.get(r.code) ?? []), r]);
  for (const [code, list] of [...byCode].sort((a, b) => b[1].length - a[1].length)) {
    const lengths = lengthsMs.filter((l) => l.code === code).map((l) => l.ms);
    report({
      bench: 'alarms.demo.code',
      code,
      kind: list[0]!.kind,
      priorities: [...new Set(list.map((r) => r.priority))],
      raised: list.length,
      perBedHour: round(list.length / bedHours, 1),
      medianLengthS: lengths.length ? round(median(lengths) / 1000, 2) : null,
    });
  }
  const technical = raised.filter((r) => r.kind === 'technical');
  const technicalLengths = lengthsMs.filter((l) => l.kind === 'technical').map((l) => l.ms);
  report({
    bench: 'alarms.demo',
    what: `alarms raised on the ${beds}-bed demo (default device mix, demo patients) over ${minutes} min`,
    unit: 'raises per bed-hour',
    technicalPerBedHour: round(technical.length / bedHours, 1),
    technicalSounding: technical.filter((r) => r.priority !== 'low').length,
    physiologicalPerBedHour: round((raised.length - technical.length) / bedHours, 1),
    raised: raised.length,
    endedWithin5s: lengthsMs.filter((l) => l.ms < 5000).length,
    raisedAgainWithin30s: gapsMs.filter((ms) => ms < 30_000).length,
    medianGapS: gapsMs.length ? round(median(gapsMs) / 1000, 1) : null,
    technicalMedianLengthS: technicalLengths.length
      ? round(median(technicalLengths) / 1000, 2)
      : null,
    bedHours: round(bedHours, 2),
  });
} finally {
  await workstation.stop();
  await demo.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
