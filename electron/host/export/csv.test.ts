import { describe, expect, it } from 'vitest';
import { csvField, decimalsForGain, timeFormatter, writeCsv } from './csv';
import type { ExportRecord } from './record';
import { channel } from './test-records';

const tiny: ExportRecord = {
  name: 'tiny',
  startMs: 0,
  channels: [
    channel({ rateHz: 4, baseline: 1024, samples: Int32Array.from([1024, 1224, 823]) }),
    channel({
      key: 'spo2',
      label: 'SpO2, fingertip',
      unit: '%',
      rateHz: 1,
      rawPerUnit: 1,
      samples: Int32Array.from([97, 84]),
    }),
    channel({
      key: 'pleth',
      label: 'Pleth',
      unit: '1',
      rateHz: 4,
      rawPerUnit: 1000,
      samples: Int32Array.from([5, -12]),
    }),
  ],
  annotations: [
    { timeMs: 1500, code: 'SPO2_LOW', text: 'raised high: SpO2 84 %' },
    { timeMs: 250, code: 'NOTE', text: 'said "hello", then left\nsecond line' },
  ],
};

describe('CSV writer', () => {
  it('writes one file per rate and an annotations file, exactly', () => {
    const { files } = writeCsv(tiny);
    expect(files.map((f) => f.name)).toEqual([
      'tiny_4Hz.csv',
      'tiny_1Hz.csv',
      'tiny_annotations.csv',
    ]);
    expect(files[0]?.contents).toBe(
      'time_s,ECG II [mV],Pleth [1]\r\n' +
        '0.000,0.000,0.0050\r\n' +
        '0.250,1.000,-0.0120\r\n' +
        '0.500,-1.005,\r\n',
    );
    expect(files[1]?.contents).toBe('time_s,"SpO2, fingertip [%]"\r\n0.000,97.0\r\n1.000,84.0\r\n');
    expect(files[2]?.contents).toBe(
      'time_s,code,text\r\n' +
        '0.250,NOTE,"said ""hello"", then left\nsecond line"\r\n' +
        '1.500,SPO2_LOW,raised high: SpO2 84 %\r\n',
    );
  });

  it('keeps enough decimals to recover every raw count', () => {
    for (const gain of [0.5, 1, 7, 200, 409.6, 1000, 65536]) {
      const decimals = decimalsForGain(gain);
      for (let raw = -40000; raw <= 40000; raw += 37) {
        expect(Math.round(Number((raw / gain).toFixed(decimals)) * gain)).toBe(raw);
      }
    }
  });

  it('writes sample times as toFixed does, for every rate and far into a long record', () => {
    for (const rateHz of [1000, 500, 360, 300, 250, 128, 125, 62.5, 4, 1, 0.5]) {
      const decimals = Math.max(3, Math.ceil(Math.log10(rateHz)) + 2);
      const text = timeFormatter(rateHz, decimals);
      for (const n of [0, 1, 7, 999, 12_345, 129_599_999, 2 ** 40 + 3]) {
        expect(text(n), `${rateHz} Hz sample ${n}`).toBe((n / rateHz).toFixed(decimals));
      }
    }
  });

  it('quotes only fields that need it', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('x\r\ny')).toBe('"x\r\ny"');
  });
});
