import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEdf } from './edf-read';
import { edfNumber, writeEdf } from './edf';
import type { ExportRecord } from './record';
import { channel, multiRateRecord, randomSamples, seededRandom } from './test-records';
import {
  describeWhere,
  firstMissing,
  missingCommand,
  missingFiles,
} from '../../../test/support/requirements';

function edfBytes(record: ExportRecord): Uint8Array {
  const file = writeEdf(record).files[0];
  if (!(file?.contents instanceof Uint8Array)) throw new Error('no EDF bytes');
  return file.contents;
}

const small: ExportRecord = {
  name: 'small',
  startMs: Date.UTC(2026, 10, 21, 7, 5, 9, 250),
  channels: [
    channel({
      rateHz: 4,
      baseline: 1024,
      samples: Int32Array.from([1024, 1224, 823, 1000, 1, 2, 3, 4]),
    }),
    channel({
      key: 'spo2',
      label: 'SpO2',
      unit: '%',
      rateHz: 0.5,
      rawPerUnit: 1,
      samples: Int32Array.from([97]),
    }),
  ],
  annotations: [{ timeMs: 1500, code: 'SPO2_LOW', text: 'raised high: SpO2 84 %' }],
};

describe('EDF+ writer', () => {
  it('lays out the header field by field', () => {
    const bytes = edfBytes(small);
    const text = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
    let at = 0;
    const next = (width: number) => text.slice(at, (at += width));
    expect(next(8)).toBe('0       ');
    expect(next(80)).toBe('X X X X'.padEnd(80));
    expect(next(80)).toBe('Startdate 21-NOV-2026 X X X'.padEnd(80));
    expect(next(8)).toBe('21.11.26');
    expect(next(8)).toBe('07.05.09');
    expect(next(8)).toBe('1024    ');
    expect(next(44)).toBe('EDF+C'.padEnd(44));
    expect(next(8)).toBe('1       '); // one record of 2 s holds 0.5 Hz and 4 Hz whole
    expect(next(8)).toBe('2       ');
    expect(next(4)).toBe('3   ');
    expect(next(48)).toBe('ECG II          SpO2            EDF Annotations ');
    expect(next(240)).toBe(' '.repeat(240));
    expect(next(24)).toBe('mV      %               ');
    expect(next(24)).toBe('-168.96 -32768  -1      ');
    expect(next(24)).toBe('158.715 32767   1       ');
    expect(next(24)).toBe('-32768  -32768  -32768  ');
    expect(next(24)).toBe('32767   32767   32767   ');
    expect(next(240)).toBe(' '.repeat(240));
    expect(next(24)).toBe('8       1       24      ');
    expect(next(96)).toBe(' '.repeat(96));
    expect(at).toBe(1024);
    expect(bytes.length).toBe(1024 + 2 * (8 + 1 + 24));
    const tal = new TextDecoder().decode(bytes.subarray(1024 + 18, 1024 + 18 + 48));
    expect(tal).toBe(
      '+0.25\x14\x14\0+1.75\x14SPO2_LOW: raised high: SpO2 84 %\x14\0'.padEnd(48, '\0'),
    );
  });

  it('round-trips through readEdf', () => {
    const back = readEdf(edfBytes(small), 'small');
    expect(back.startMs).toBe(small.startMs);
    expect(back.annotations).toEqual(small.annotations);
    expect(back.channels.map((c) => [c.label, c.unit, c.rateHz, [...c.samples]])).toEqual([
      ['ECG II', 'mV', 4, [1024, 1224, 823, 1000, 1, 2, 3, 4]],
      ['SpO2', '%', 0.5, [97]],
    ]);
    back.channels.forEach((c, i) => {
      expect(c.rawPerUnit).toBeCloseTo(small.channels[i]?.rawPerUnit ?? 0, 9);
      expect(c.baseline).toBeCloseTo(small.channels[i]?.baseline ?? 0, 6);
    });
  });

  it('round-trips a multi-rate record with a patient, samples bit-exact', () => {
    const record = multiRateRecord(-32768, 32767);
    const bytes = edfBytes(record);
    expect(new TextDecoder().decode(bytes.subarray(8, 88)).trim()).toBe(
      'TEST-0001 X X Test_Patient',
    );
    const back = readEdf(bytes, record.name);
    expect(back.patient).toEqual(record.patient);
    expect(back.channels.map((c) => [...c.samples])).toEqual(
      record.channels.map((c) => [...c.samples]),
    );
    expect(back.channels.map((c) => c.rateHz)).toEqual([250, 125, 500]);
  });

  it('rescales raw values beyond 16 bits and warns that it is lossy', () => {
    const random = seededRandom(3);
    const record: ExportRecord = {
      name: 'wide',
      startMs: 0,
      channels: [
        channel({ rawPerUnit: 1000, samples: randomSamples(250, -100000, 100000, random) }),
      ],
      annotations: [],
    };
    const { warnings } = writeEdf(record);
    expect(warnings.join('\n')).toMatch(/exceed 16 bits; rescaled for EDF, which loses up to/);
    const back = readEdf(edfBytes(record));
    const original = record.channels[0]?.samples ?? new Int32Array();
    const physical = (c: (typeof back.channels)[number], i: number) =>
      ((c.samples[i] ?? 0) - c.baseline) / c.rawPerUnit;
    const c = back.channels[0];
    if (!c) throw new Error('no channel');
    for (let i = 0; i < original.length; i++)
      expect(Math.abs(physical(c, i) - (original[i] ?? 0) / 1000)).toBeLessThan(0.003);
  });

  it('fits numbers into 8 characters', () => {
    expect(edfNumber(-168.96)).toBe('-168.96');
    expect(edfNumber(-9929.696969)).toBe('-9929.7');
    expect(edfNumber(1 / 3)).toBe('0.333333');
  });
});

describe('EDF reader on bad input', () => {
  it('gives clear errors', () => {
    expect(() => readEdf(new Uint8Array(10))).toThrow(/less than the 256-byte header/);
    expect(() => readEdf(new Uint8Array(512).fill(0x41))).toThrow(/version field/);
    const bytes = edfBytes(small);
    expect(() => readEdf(bytes.subarray(0, bytes.length - 1))).toThrow(/cut short/);
    expect(() => readEdf(bytes.subarray(0, 600))).toThrow(/cut short inside its header/);
  });

  it('never hangs on random bytes after a valid header', () => {
    const random = seededRandom(11);
    const bytes = edfBytes(small).slice();
    for (let i = 1024; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
    try {
      readEdf(bytes);
    } catch (error) {
      expect(String(error)).toMatch(/EDF\+ annotation: bad onset/);
    }
  });
});

// EDFlib (Debian libedf-dev) is a strict independent EDF+ reader; the check runs where it is
// installed (`apt-get install -y libedf-dev`).
const EDFLIB_CHECK = String.raw`#include <stdio.h>
#include <edflib.h>
int main(int argc, char **argv) {
  struct edf_hdr_struct h;
  if (edfopen_file_readonly(argv[1], &h, EDFLIB_READ_ALL_ANNOTATIONS)) { printf("error %d\n", h.filetype); return 1; }
  printf("type %d start %d.%d.%d %d:%d:%d+%lld\n", h.filetype, h.startdate_year, h.startdate_month,
    h.startdate_day, h.starttime_hour, h.starttime_minute, h.starttime_second, h.starttime_subsecond);
  for (int s = 0; s < h.edfsignals; s++) {
    int buf[8] = {0};
    int n = edfread_digital_samples(h.handle, s, 8, buf);
    printf("signal %lld", h.signalparam[s].smp_in_file);
    for (int i = 0; i < n; i++) printf(" %d", buf[i]);
    printf("\n");
  }
  for (int a = 0; a < h.annotations_in_file; a++) {
    struct edf_annotation_struct an;
    edf_get_annotation(h.handle, a, &an);
    printf("annotation %lld %s\n", an.onset, an.annotation);
  }
  return 0;
}
`;

// EDFlib (Teunis van Beelen's reference C library) reads our files: .ci/run installs libedf-dev.
const EDFLIB_MISSING = firstMissing(
  missingFiles(
    ['/usr/include/edflib.h'],
    'install libedf-dev (Debian: apt-get install libedf-dev)',
  ),
  missingCommand('cc', 'install a C compiler (Debian: apt-get install gcc libc6-dev)'),
);

describeWhere(EDFLIB_MISSING, 'EDFlib', () => {
  it('reads what we write as EDF+ with the same samples, start and annotations', () => {
    const folder = mkdtempSync(join(tmpdir(), 'edflib-'));
    writeFileSync(join(folder, 'check.c'), EDFLIB_CHECK);
    execFileSync('cc', ['-o', join(folder, 'check'), join(folder, 'check.c'), '-ledf']);
    writeFileSync(join(folder, 'small.edf'), edfBytes(small));
    const output = execFileSync(join(folder, 'check'), [join(folder, 'small.edf')], {
      encoding: 'utf8',
    });
    expect(output.trim().split('\n')).toEqual([
      'type 1 start 2026.11.21 7:5:9+2500000',
      'signal 8 1024 1224 823 1000 1 2 3 4',
      'signal 1 97',
      'annotation 15000000 SPO2_LOW: raised high: SpO2 84 %',
    ]);
  });
});
