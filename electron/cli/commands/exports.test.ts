// `workstation exports open` on a real data directory (its store and key, as the workstation
// made them): a sealed export written plainly where asked, under its own name in a folder, never
// over another file, audited; a wrong key, a cut file and a passphrase-protected folder each as
// a sentence, with nothing written.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { workstationId } from '../../host/data-dir';
import { exportsKeyOf, FileSealer } from '../../host/export/sealed-file';
import { openStore } from '../../host/store/client';
import { rotateDataKey, unlockDataKey } from '../../host/store/encryption/data-key';
import { freshStoreDir } from '../../host/store/store-template.test-support';
import { CliError } from '../cli-error';
import { runExports } from './exports';

let folder: string;
let key: Buffer;
const PLAIN = Buffer.from(
  `time_s,note\n0.5,"Quillfeather, Ottoline (MRN QFX40417)"\n`.repeat(3000),
);
let sealedPath: string;

function seal(bytes: Buffer, name: string, withKey: Uint8Array): Buffer {
  const sealer = new FileSealer(withKey, name);
  return Buffer.concat([sealer.header(), ...sealer.push(bytes), sealer.finish()]);
}

let errors: string[];
beforeEach(() => {
  errors = [];
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation((line: string) => errors.push(line));
});
afterEach(() => vi.restoreAllMocks());

beforeAll(async () => {
  ({ folder } = await freshStoreDir('ws-exports-cli-'));
  // The folder's data key, opened as the workstation opens it (nothing is written).
  key = exportsKeyOf(unlockDataKey(join(folder, 'pgdata')).dataKey);
  mkdirSync(join(folder, 'exports'));
  sealedPath = join(folder, 'exports', 'Bed_1_csv_x_annotations.csv.sealed');
  writeFileSync(sealedPath, seal(PLAIN, 'Bed_1_csv_x_annotations.csv', key));
}, 60_000);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function refusal(args: string[], input?: string): Promise<string> {
  const error = await runExports(args, input ? { input: Readable.from([input]) } : {}).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return (error as Error).message;
}

describe('workstation exports open', () => {
  it('writes the plain file where asked, or in a folder under its name; never over one; audited', async () => {
    const out = join(folder, 'out');
    mkdirSync(out);
    const target = join(out, 'notes.csv');
    expect(await runExports(['open', sealedPath, '--out', target, '--data', folder])).toBe(0);
    expect(readFileSync(target).equals(PLAIN)).toBe(true);
    expect(await runExports(['open', sealedPath, '--out', out, '--data', folder])).toBe(0);
    expect(readFileSync(join(out, 'Bed_1_csv_x_annotations.csv')).equals(PLAIN)).toBe(true);
    expect(await refusal(['open', sealedPath, '--out', target, '--data', folder])).toBe(
      `${target} exists already: it was not replaced and nothing was written.`,
    );
    expect(await refusal(['open', sealedPath, '--out', out, '--data', folder])).toMatch(
      /Bed_1_csv_x_annotations\.csv exists already: it was not replaced\./,
    );
    expect(readdirSync(out).sort()).toEqual(['Bed_1_csv_x_annotations.csv', 'notes.csv']);
    // Each opening is in the audit trail, with who and where to.
    const store = await openStore({
      dataDir: join(folder, 'pgdata'),
      workstationId: workstationId(folder),
    });
    try {
      const rows = (await store.outbox.readBatch(0, 1 << 24, 1000)).rows
        .filter((r) => r.table === 'audit_events' && r.row.action === 'export-opened')
        .map((r) => r.row);
      expect(rows).toHaveLength(2);
      const first = rows.find((row) => String(row.detail).includes(`opened as ${target} `));
      expect(first).toMatchObject({ subject: 'Bed_1_csv_x_annotations.csv' });
      expect(String(first!.actor)).toMatch(/^cli/);
      expect(String(first!.detail)).toBe(
        `${sealedPath} opened as ${target} (${PLAIN.length} bytes) by the command line`,
      );
    } finally {
      await store.close();
    }
  }, 60_000);

  it('refuses a file of another key, a cut file and bad arguments with a sentence; writes nothing', async () => {
    const out = join(folder, 'refused');
    mkdirSync(out);
    const strange = join(folder, 'strange.sealed');
    writeFileSync(strange, seal(PLAIN, 'x.csv', exportsKeyOf(randomBytes(32))));
    expect(await refusal(['open', strange, '--out', join(out, 'x.csv'), '--data', folder])).toBe(
      `The file ${strange} was not sealed under this data folder's key (it was exported by` +
        ' another workstation or data folder, or its key was lost): it cannot be opened here.' +
        ' Nothing was written.',
    );
    const cut = join(folder, 'cut.sealed');
    writeFileSync(cut, readFileSync(sealedPath).subarray(0, 65536 + 16 + 80));
    expect(await refusal(['open', cut, '--out', join(out, 'y.csv'), '--data', folder])).toMatch(
      /^The file .*cut\.sealed is cut short \(.*\): it cannot be opened\..* Nothing was written\.$/,
    );
    expect(await refusal(['open', sealedPath, '--data', folder])).toMatch(
      /^Give "exports open FILE --out PATH/,
    );
    expect(
      await refusal(['open', join(folder, 'nope.sealed'), '--out', out, '--data', folder]),
    ).toMatch(/nope\.sealed does not exist\.$/);
    expect(readdirSync(out)).toEqual([]);
  }, 60_000);

  it('opens a passphrase-protected folder with --passphrase-stdin, and says when it is missing', async () => {
    const phrase = 'correct horse battery staple';
    rotateDataKey(
      join(folder, 'pgdata'),
      {},
      { passphrase: phrase, scryptCost: { N: 1024, r: 8, p: 1 } },
    );
    const out = join(folder, 'by-phrase.csv');
    const without = await runExports(['open', sealedPath, '--out', out, '--data', folder]).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(without?.message).toMatch(/protected by a passphrase: give --passphrase-stdin/);
    expect(
      await runExports(['open', sealedPath, '--out', out, '--data', folder, '--passphrase-stdin'], {
        input: Readable.from([`${phrase}\n`]),
      }),
    ).toBe(0);
    expect(readFileSync(out).equals(PLAIN)).toBe(true);
  }, 60_000);
});
