import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareBeats, evaluateWfdbRecord, isBeatSymbol, sumScores } from './evaluate';
import {
  FROM_SHARED_DATA,
  describeWhere,
  missingFiles,
  referenceData,
} from '../../../test/support/requirements';

describe('compareBeats', () => {
  it('counts matches within the window, misses and extras', () => {
    const score = compareBeats([100, 200, 300, 400], [105, 260, 300, 330, 500], 20);
    expect(score).toMatchObject({ truePositives: 2, falseNegatives: 2, falsePositives: 3 });
    expect(score.sensitivity).toBe(0.5);
    expect(score.positivePredictivity).toBe(0.4);
  });

  it('pairs each beat with the nearest detection, not the first in the window', () => {
    expect(compareBeats([100, 130], [118, 131], 20)).toMatchObject({
      truePositives: 2,
      falseNegatives: 0,
      falsePositives: 0,
    });
    expect(compareBeats([100], [90, 99], 20)).toMatchObject({
      truePositives: 1,
      falsePositives: 1,
    });
  });

  it('leaves out the learning period and excluded spans', () => {
    const score = compareBeats([10, 100, 200, 300], [50, 100, 250], 5, 60, [
      { from: 240, to: 260 },
    ]);
    expect(score).toMatchObject({ truePositives: 1, falseNegatives: 2, falsePositives: 0 });
  });

  it('adds records as gross statistics', () => {
    const total = sumScores([compareBeats([1, 2], [1, 2], 0), compareBeats([5], [], 0)]);
    expect(total.sensitivity).toBeCloseTo(2 / 3);
  });

  it('knows the beat labels from the rest', () => {
    for (const code of [
      'N',
      'L',
      'R',
      'B',
      'A',
      'a',
      'J',
      'S',
      'V',
      'r',
      'F',
      'e',
      'j',
      'n',
      'E',
      '/',
      'f',
      'Q',
      '?',
    ]) {
      expect(isBeatSymbol(code), code).toBe(true);
    }
    for (const code of ['+', '~', '|', 'x', '!', '[', ']', '"'])
      expect(isBeatSymbol(code), code).toBe(false);
  });
});

const MITBIH = referenceData('mitbih');
const RECORDS =
  '101 106 108 109 112 114 115 116 118 119 122 124 201 203 205 207 208 209 215 220 223 230'.split(
    ' ',
  );
const MITBIH_MISSING = missingFiles(
  RECORDS.map((r) => `${MITBIH}/${r}.atr`),
  FROM_SHARED_DATA,
);

describeWhere(MITBIH_MISSING, 'beat detection on MIT-BIH DS1, lead 0', () => {
  it('finds ≥ 99.7 % of beats with ≥ 99.7 % of detections true, every record ≥ 97 %', () => {
    const results = RECORDS.map((r) =>
      evaluateWfdbRecord(
        readFileSync(`${MITBIH}/${r}.hea`, 'utf8'),
        readFileSync(`${MITBIH}/${r}.dat`),
        readFileSync(`${MITBIH}/${r}.atr`),
      ),
    );
    const whole = sumScores(results.map((r) => r.whole));
    const afterLearning = sumScores(results.map((r) => r.afterLearning));
    // Measured: whole record Se 99.76 %, +P 99.86 %; after 5 min Se 99.74 %, +P 99.87 %.
    // The README's goal, as claimed: Se and +P ≥ 99.7 % over DS1, every record ≥ 97 %.
    for (const score of [whole, afterLearning]) {
      expect(score.sensitivity).toBeGreaterThanOrEqual(0.997);
      expect(score.positivePredictivity).toBeGreaterThanOrEqual(0.997);
    }
    for (const r of results) {
      expect(r.whole.sensitivity, r.record).toBeGreaterThanOrEqual(0.97);
      expect(r.whole.positivePredictivity, r.record).toBeGreaterThanOrEqual(0.97);
    }
  });
});
