// `workstation import` and `workstation export` as a person runs them (real child processes, the
// real store on disk): a WFDB record goes into a bed and comes back out bit-exact in WFDB, and as
// CSV and EDF+ readable by our readers; a running workstation's store is not opened twice.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multiRateRecord } from '../../electron/host/export/test-records';
import { readWfdb, writeWfdb } from '../../electron/host/export/wfdb';
import { readEdf } from '../../electron/host/export/edf-read';
import { openStore } from '../../electron/host/store/client';

const root = join(import.meta.dirname, '..', '..');

function workstation(args: string[]) {
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './test/support/raw-import.mjs',
      'electron/cli/index.ts',
      ...args,
    ],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('export and import', () => {
  let dir: string;
  const data = () => join(dir, 'data');
  // Made-up signals at 500, 250 and 125 Hz with two alarm annotations; within 16-bit range.
  const original = multiRateRecord(-2000, 2000, 7);
  const start = '2026-11-21T07:05:09Z';
  const startMs = Date.parse(start);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ws-export-'));
    for (const file of writeWfdb(original).files) {
      writeFileSync(join(dir, file.name), file.contents);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a WFDB record as a bed, with its annotations', () => {
    const { code, stdout, stderr } = workstation([
      'import',
      '--data',
      data(),
      '--wfdb',
      join(dir, original.name),
      '--bed',
      'Review 3',
      '--start',
      start,
      '--annotator',
      'alm',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      bedId: 'bed-review-3',
      from: '2026-11-21T07:05:09.000Z',
      samples: original.channels.reduce((n, c) => n + c.samples.length, 0),
      annotations: original.annotations.length,
    });
  });

  it('refuses a start outside the times the workstation keeps, and stores nothing', () => {
    const { code, stderr } = workstation([
      'import',
      ...['--data', join(dir, 'refused-data'), '--wfdb', join(dir, original.name)],
      ...['--bed', 'Review 1970', '--start', '1970-01-01T00:00:00Z'],
    ]);
    expect(code).not.toBe(0);
    expect(stderr).toContain('outside the times the workstation keeps');
  });

  it('exports the bed back as WFDB with every sample, scale and annotation as imported', () => {
    const out = join(dir, 'out-wfdb');
    const { code, stdout, stderr } = workstation([
      'export',
      '--data',
      data(),
      '--bed',
      'Review 3',
      '--from',
      start,
      '--to',
      String(startMs + 2000),
      '--format',
      'wfdb',
      '--out',
      out,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((f) => f.slice(out.length + 1)),
    ).toEqual(['bed_review_3.hea', 'bed_review_3.dat', 'bed_review_3.alm']);
    const back = readWfdb(
      readFileSync(join(out, 'bed_review_3.hea'), 'utf8'),
      readFileSync(join(out, 'bed_review_3.dat')),
      readFileSync(join(out, 'bed_review_3.alm')),
    );
    expect(back.startMs).toBe(startMs);
    for (const channel of original.channels) {
      const exported = back.channels.find((c) => c.label === channel.label)!;
      expect(exported).toMatchObject({ rateHz: channel.rateHz, rawPerUnit: channel.rawPerUnit });
      // Stored without the baseline (raw × scale is physical), so compare physical values.
      const physical = (c: typeof channel, i: number) =>
        (c.samples[i]! - c.baseline) / c.rawPerUnit;
      for (let i = 0; i < channel.samples.length; i++) {
        expect(physical(exported, i)).toBeCloseTo(physical(channel, i), 9);
      }
    }
    expect(back.annotations.map((a) => [a.timeMs, a.text])).toEqual(
      original.annotations.map((a) => [a.timeMs, a.text]),
    );
  });

  it('exports CSV and EDF+ that read back', () => {
    const csv = join(dir, 'out-csv');
    const edf = join(dir, 'out-edf');
    const range = ['--from', start, '--to', String(startMs + 2000)];
    expect(
      workstation([
        'export',
        '--data',
        data(),
        '--bed',
        'bed-review-3',
        ...range,
        '--format',
        'csv',
        '--out',
        csv,
      ]).code,
    ).toBe(0);
    expect(readFileSync(join(csv, 'bed_review_3_annotations.csv'), 'utf8')).toContain(
      'time_s,code,text',
    );
    expect(
      workstation([
        'export',
        '--data',
        data(),
        '--bed',
        'bed-review-3',
        ...range,
        '--format',
        'edf',
        '--out',
        edf,
      ]).code,
    ).toBe(0);
    const record = readEdf(readFileSync(join(edf, 'bed_review_3.edf')));
    expect(record.channels.map((c) => c.label).sort()).toEqual(
      original.channels.map((c) => c.label).sort(),
    );
    expect(record.annotations).toHaveLength(original.annotations.length);
  });

  it('refuses a time range without data, and a store another process holds, in words', async () => {
    const empty = workstation([
      'export',
      '--data',
      data(),
      '--bed',
      'Review 3',
      '--from',
      '2020-01-01T00:00:00Z',
      '--to',
      '2020-01-01T00:01:00Z',
      '--out',
      join(dir, 'none'),
    ]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('has no stored waveforms between the times given');

    const holder = await openStore({
      dataDir: join(data(), 'pgdata'),
      workstationId: 'holder',
      onError: () => {},
    });
    try {
      const locked = workstation([
        'export',
        '--data',
        data(),
        '--bed',
        'Review 3',
        '--from',
        start,
        '--to',
        String(startMs + 1000),
        '--out',
        join(dir, 'locked'),
      ]);
      expect(locked.code).toBe(2);
      expect(locked.stderr).toMatch(/in use by another workstation process/);
    } finally {
      await holder.close();
    }
  });
});

describe('import and export through the api', () => {
  it('loads a WFDB record as a bed and gives it back as a strip and a WFDB export', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-api-import-'));
    const { startWorkstation } = await import('../../electron/host/workstation');
    const workstation = await startWorkstation({
      dataDir: join(dir, 'data'),
      devices: [],
      log: () => {},
    });
    try {
      const record = multiRateRecord(-2000, 2000, 11);
      const files = Object.fromEntries(
        writeWfdb(record).files.map((f) => [f.name.split('.').pop()!, Buffer.from(f.contents)]),
      );
      const caller = { actor: 'nurse-demo' };
      const startMs = Date.parse('2026-11-21T07:00:00Z');
      const imported = (await workstation.router.request(
        'importRecord',
        {
          bedLabel: 'Review api',
          header: files.hea!.toString('base64'),
          signals: files.dat!.toString('base64'),
          annotations: files.alm!.toString('base64'),
          startMs,
        },
        caller,
      )) as { bedId: string; samples: number };
      expect(imported).toMatchObject({ bedId: 'bed-review-api', samples: 500 + 250 + 1000 });
      const strip = (await workstation.router.request(
        'getWaveformWindow',
        { bedId: 'bed-review-api', fromMs: startMs, toMs: startMs + 2000 },
        caller,
      )) as { channel: string; values: number[] }[];
      const ecg = record.channels[0]!;
      expect(strip.find((s) => s.channel === ecg.key)!.values).toEqual(
        Array.from(ecg.samples, (v) => v - ecg.baseline),
      );
      const exported = (await workstation.router.request(
        'exportRecord',
        { bedId: 'bed-review-api', fromMs: startMs, toMs: startMs + 2000, format: 'wfdb' },
        caller,
      )) as { files: { name: string }[] };
      expect(exported.files.map((f) => f.name)).toEqual([
        'bed_review_api.hea',
        'bed_review_api.dat',
        'bed_review_api.alm',
      ]);
      await expect(
        workstation.router.request(
          'importRecord',
          {
            bedLabel: 'Bad',
            header: Buffer.from('not a header').toString('base64'),
            signals: 'AA==',
          },
          caller,
        ),
      ).rejects.toThrow(/The WFDB record cannot be read/);
    } finally {
      await workstation.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
