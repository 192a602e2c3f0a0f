// Beat detection on MIT-BIH DS1 (22 records, lead 0, 30 min at 360 Hz): Se and +P per record and
// in aggregate, judged beat by beat as ANSI/AAMI EC57 does, and the detector's speed.
import { existsSync, readFileSync } from 'node:fs';
import { referenceData } from '../support/reference-data';
import { readWfdb } from '../../electron/host/export/wfdb';
import { detectBeats } from '../../electron/host/signals/beat-detector';
import {
  evaluateWfdbRecord,
  sumScores,
  type BeatScore,
} from '../../electron/host/signals/evaluate';
import { median, round } from './stats';

const MITBIH_DIR = referenceData('mitbih');
const DS1 =
  '101 106 108 109 112 114 115 116 118 119 122 124 201 203 205 207 208 209 215 220 223 230'.split(
    ' ',
  );

const read = (record: string, ext: string) => readFileSync(`${MITBIH_DIR}/${record}.${ext}`);
const percent = (fraction: number) => round(100 * fraction, 3);
const scoreLine = (s: BeatScore) => ({
  se: percent(s.sensitivity),
  ppv: percent(s.positivePredictivity),
  tp: s.truePositives,
  fn: s.falseNegatives,
  fp: s.falsePositives,
});

/** JSON-line records for `npm run bench`: accuracy per record and overall, then throughput. */
export function beatsBench(
  runs: number,
  machine: Record<string, unknown>,
): Record<string, unknown>[] {
  if (!existsSync(`${MITBIH_DIR}/101.hea`)) {
    return [{ bench: 'beats.ds1', skipped: `MIT-BIH DS1 not found at ${MITBIH_DIR}`, machine }];
  }
  const results = DS1.map((record) =>
    evaluateWfdbRecord(
      read(record, 'hea').toString('utf8'),
      read(record, 'dat'),
      read(record, 'atr'),
    ),
  );
  const perRecord = Object.fromEntries(results.map((r) => [r.record, scoreLine(r.whole)]));
  const perRecordAfterLearning = Object.fromEntries(
    results.map((r) => [r.record, scoreLine(r.afterLearning)]),
  );

  const leads = DS1.map((record) => {
    const wfdb = readWfdb(read(record, 'hea').toString('utf8'), read(record, 'dat'));
    return wfdb.channels[0]!;
  });
  const sampleCount = leads.reduce((sum, c) => sum + c.samples.length, 0);
  const speedRuns: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    for (const lead of leads) detectBeats(lead.samples, lead.rateHz);
    speedRuns.push(sampleCount / 1e6 / ((performance.now() - start) / 1000));
  }

  return [
    {
      bench: 'beats.ds1.accuracy',
      what: `QRS detection on MIT-BIH DS1, ${DS1.length} records, lead 0, whole records, ±150 ms match, VF episodes left out`,
      unit: '%',
      ...scoreLine(sumScores(results.map((r) => r.whole))),
      perRecord,
      machine,
    },
    {
      bench: 'beats.ds1.accuracy-after-5-min',
      what: 'as beats.ds1.accuracy, without the first 5 minutes (EC57 learning period)',
      unit: '%',
      ...scoreLine(sumScores(results.map((r) => r.afterLearning))),
      perRecord: perRecordAfterLearning,
      machine,
    },
    {
      bench: 'beats.ds1.throughput',
      what: `BeatDetector over lead 0 of MIT-BIH DS1 (${sampleCount} samples at 360 Hz)`,
      unit: 'M samples/s',
      median: round(median(speedRuns)),
      runs: speedRuns.map((r) => round(r)),
      realTimeFactor: round((median(speedRuns) * 1e6) / 360, 0),
      machine,
    },
  ];
}
