// Beat classes, lethal-alarm holds and noise stress on MIT-BIH DS1 (22 records, 30 min, 360 Hz).
// These are TRAINING figures: the classifier was developed on DS1; the inter-patient test half
// (DS2) is not held here. Per-class Se/+P by EC57 matching (±150 ms), the V and S confusion, false
// VT/VF alarms per hour (episode evaluator), the synthesised noise stress test, and the cost.
// Run alone: `npx tsx --import ./test/support/raw-import.mjs test/bench/beat-classes.ts`
// (BENCH_RUNS sets the throughput runs, 3 by default).
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import { referenceData } from '../support/reference-data';
import { readWfdb } from '../../electron/host/export/wfdb';
import { BEAT_CLASSES } from '../../electron/host/signals/beat-class';
import {
  classFigures,
  evaluateBeatClasses,
  sumClassScores,
  type ClassRecordEvaluation,
  type ClassScore,
} from '../../electron/host/signals/beat-class-evaluate';
import { RhythmAnalyzer } from '../../electron/host/signals/rhythm';
import { summarizeRhythm } from '../../electron/host/signals/rhythm-evaluate';
import { stressRecord } from '../../electron/host/signals/noise-stress.test-support';
import { median, report, round } from './stats';

const MITBIH_DIR = referenceData('mitbih');
const DS1 =
  '101 106 108 109 112 114 115 116 118 119 122 124 201 203 205 207 208 209 215 220 223 230'.split(
    ' ',
  );
const NOISE_RECORDS = ['118', '119'];
const SNRS_DB = [24, 18, 12, 6, 0];

const read = (record: string, ext: string) => readFileSync(`${MITBIH_DIR}/${record}.${ext}`);
const percent = (fraction: number) => round(100 * fraction, 1);

function classLines(score: ClassScore) {
  return Object.fromEntries(
    BEAT_CLASSES.map((c) => {
      const f = classFigures(score, c);
      return [
        c,
        {
          se: percent(f.sensitivity),
          ppv: percent(f.positivePredictivity),
          reference: f.reference,
          called: f.called,
        },
      ];
    }),
  );
}

function lethal(results: readonly ClassRecordEvaluation[]) {
  const { scored, hours } = summarizeRhythm(results.map((r) => r.rhythm));
  return {
    hours: round(hours, 2),
    falseVtPerHour: round(scored.vtach.falsePerHour, 2),
    falseVfPerHour: round(scored.vfib.falsePerHour, 2),
    falseVtVfPerHour: round((scored.vtach.falseAlarms + scored.vfib.falseAlarms) / hours, 2),
    vtEpisodes: `${scored.vtach.detectedEpisodes}/${scored.vtach.referenceEpisodes}`,
    vtEpisodesOf5BeatsOrMore: `${scored.vtach.detectedLongEpisodes}/${scored.vtach.longEpisodes}`,
    vfEpisodes: `${scored.vfib.detectedEpisodes}/${scored.vfib.referenceEpisodes}`,
    held: results.reduce((s, r) => s + r.held.length, 0),
    falseVtPerRecord: Object.fromEntries(
      results
        .filter((r) => r.rhythm.scored.vtach.falseAlarms + r.rhythm.scored.vfib.falseAlarms > 0)
        .map((r) => [
          r.record,
          r.rhythm.scored.vtach.falseAlarms + r.rhythm.scored.vfib.falseAlarms,
        ]),
    ),
  };
}

function noiseStress(record: string, snrDb: number) {
  const rec = readWfdb(
    read(record, 'hea').toString('utf8'),
    read(record, 'dat'),
    read(record, 'atr'),
  );
  const run = stressRecord(rec, snrDb);
  const { raised, whole, outsideNoisiest: outside } = run;
  return {
    record,
    snrDb,
    vt: raised('vtach'),
    vf: raised('vfib'),
    asystole: raised('asystole'),
    extremeTachy: raised('extremeTachy'),
    held: run.held,
    beatSe: percent(whole.sensitivity),
    beatPpv: percent(whole.positivePredictivity),
    beatSeOutsideNoisiest: percent(outside.sensitivity),
    beatPpvOutsideNoisiest: percent(outside.positivePredictivity),
    noisiestSeconds: run.noisiestSeconds,
  };
}

/** JSON-line records for `npm run bench`. */
export function beatClassesBench(
  runs: number,
  machine: Record<string, unknown>,
): Record<string, unknown>[] {
  if (!existsSync(`${MITBIH_DIR}/101.hea`)) {
    return [
      { bench: 'beat-classes.ds1', skipped: `MIT-BIH DS1 not found at ${MITBIH_DIR}`, machine },
    ];
  }
  const out: Record<string, unknown>[] = [];
  for (const leads of [2, 1]) {
    const results = DS1.map((r) =>
      evaluateBeatClasses(read(r, 'hea').toString('utf8'), read(r, 'dat'), read(r, 'atr'), leads),
    );
    const whole = sumClassScores(results.map((r) => r.whole));
    const afterLearning = sumClassScores(results.map((r) => r.afterLearning));
    out.push({
      bench: `beat-classes.ds1.training.${leads === 2 ? 'two-leads' : 'lead-0'}`,
      what: `AAMI EC57 beat classes on MIT-BIH DS1 (TRAINING figures: the classifier was developed on these records), ${leads === 2 ? 'both leads' : 'lead 0 only'}, whole records, ±150 ms match, VF episodes left out; +P of V leaves out F and Q reference beats, of S Q ones (EC57)`,
      unit: '%',
      classes: classLines(whole),
      classesAfter5Min: classLines(afterLearning),
      confusionV: whole.confusion.V,
      confusionS: whole.confusion.S,
      calledV: Object.fromEntries(BEAT_CLASSES.map((c) => [c, whole.confusion[c].V])),
      calledS: Object.fromEntries(BEAT_CLASSES.map((c) => [c, whole.confusion[c].S])),
      unmatchedCalls: whole.unmatched,
      goal: 'inter-patient (DS2): V Se >= 90, +P >= 90; S Se >= 60, +P >= 50',
      machine,
    });
    out.push({
      bench: `rhythm.ds1.lethal-alarms.${leads === 2 ? 'two-leads' : 'lead-0'}`,
      what: `false VT/VF alarms per hour on MIT-BIH DS1 (TRAINING), ${leads === 2 ? 'both leads (the second can hold an alarm only while lead 0 is noisy or saturated)' : 'lead 0 only'}; an alarm is false when it overlaps no (VT, (VFL or (VF episode ±5 s`,
      unit: 'per hour',
      ...lethal(results),
      goal: '<= 0.3 per hour, every VT run of >= 5 beats raised',
      machine,
    });
  }

  for (const record of NOISE_RECORDS) {
    for (const snrDb of SNRS_DB) {
      out.push({
        bench: 'rhythm.noise-stress',
        what: 'MIT-BIH record + synthesised electrode-motion noise on both leads (own seed each), NST protocol (5 min clean, then 2 min noisy / 2 min clean), SNR = (QRS p-p / 4)^2 over the noise power; beat figures also outside the seconds whose noise p-p exceeds the QRS p-p',
        ...noiseStress(record, snrDb),
        goal: 'at 6 dB: no VT/VF/asystole, no extreme tachy, beat Se and +P >= 95 % outside the noisiest seconds',
        machine,
      });
    }
  }

  const leads = DS1.map((r) => readWfdb(read(r, 'hea').toString('utf8'), read(r, 'dat')));
  const sampleCount = leads.reduce((s, rec) => s + rec.channels[0]!.samples.length, 0);
  for (const leadCount of [1, 2]) {
    const speeds: number[] = [];
    for (let run = 0; run < runs; run++) {
      const start = performance.now();
      for (const rec of leads) {
        const analyzer = new RhythmAnalyzer(360, { leads: leadCount });
        const first = rec.channels[0]!.samples;
        const second = rec.channels[1]!.samples;
        for (let i = 0; i < first.length; i += 360) {
          analyzer.push(
            first.subarray(i, i + 360),
            leadCount > 1 ? second.subarray(i, i + 360) : undefined,
          );
        }
      }
      speeds.push(sampleCount / ((performance.now() - start) / 1000));
    }
    out.push({
      bench: `beat-classes.throughput.${leadCount === 2 ? 'two-leads' : 'one-lead'}`,
      what: `RhythmAnalyzer (QRS detection, beat classes, rhythm and hold rules) over MIT-BIH DS1, ${leadCount} lead(s) of ${sampleCount} samples at 360 Hz each, 1 s blocks`,
      unit: 'x real time per ECG lead',
      median: round(median(speeds) / 360 / leadCount, 0),
      runs: speeds.map((s) => round(s / 360 / leadCount, 0)),
      goal: '>= 100x real time per ECG lead, bounded memory',
      machine,
    });
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const machine = { cpus: cpus().length, node: process.version };
  for (const record of beatClassesBench(Number(process.env.BENCH_RUNS ?? 3), machine)) {
    report(record);
  }
}
