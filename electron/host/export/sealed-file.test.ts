// The sealed export container on real files: round trips of any length (empty, one chunk, an
// exact number of chunks, pieces of any size); a changed, moved, swapped, added or cut piece, a
// changed name and a wrong key each refused with a sentence, and the plain file never written.
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportsKeyOf, FileSealer, SealedFileError, TAG_BYTES } from './sealed-file';
import { openSealedFile, unsealToFile } from './sealed-file-reader';

const folder = mkdtempSync(join(tmpdir(), 'ws-sealed-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const KEY = exportsKeyOf(randomBytes(32));
const CHUNK = 64;

/** `plain` sealed as the export writer does, in pieces of `pieceBytes`. */
function sealed(plain: Buffer, name = 'Bed_1_wfdb_x.dat', pieceBytes = 50): Buffer {
  const sealer = new FileSealer(KEY, name, CHUNK);
  const out = [sealer.header()];
  for (let at = 0; at < plain.byteLength; at += pieceBytes) {
    out.push(...sealer.push(plain.subarray(at, at + pieceBytes)));
  }
  out.push(sealer.finish());
  return Buffer.concat(out);
}

let n = 0;
function fileOf(bytes: Buffer): string {
  const path = join(folder, `f${n++}.sealed`);
  writeFileSync(path, bytes);
  return path;
}

async function opened(path: string, key: Uint8Array = KEY): Promise<Buffer> {
  const file = await openSealedFile(path, key, 'The file');
  try {
    const parts: Buffer[] = [];
    for await (const chunk of file.chunks()) parts.push(chunk);
    const plain = Buffer.concat(parts);
    expect(plain.byteLength).toBe(file.plainBytes);
    return plain;
  } finally {
    await file.close();
  }
}

async function refusal(promise: Promise<unknown>): Promise<SealedFileError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SealedFileError);
  return error as SealedFileError;
}

const headerBytes = (name = 'Bed_1_wfdb_x.dat') => new FileSealer(KEY, name, CHUNK).header().length;

describe('a sealed export', () => {
  it('opens to the same bytes and name, whatever the length and the pieces', async () => {
    for (const length of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 1000]) {
      for (const piece of [1, 7, CHUNK, 500]) {
        const plain = randomBytes(length);
        const file = await openSealedFile(fileOf(sealed(plain, 'ré_1.csv', piece)), KEY, 'f');
        expect(file.name).toBe('ré_1.csv');
        await file.close();
        expect((await opened(fileOf(sealed(plain, 'ré_1.csv', piece)))).equals(plain)).toBe(true);
      }
    }
  });

  it('keeps no plain byte: the text sealed is nowhere in the file', () => {
    const text = Buffer.from('Quixotelle Zephyrine MRN QZX918273 '.repeat(20));
    const bytes = sealed(text);
    expect(bytes.includes(Buffer.from('Quixotelle'))).toBe(false);
    expect(bytes.includes(Buffer.from('QZX918273'))).toBe(false);
    // Two seals of the same bytes differ (a nonce base of their own).
    expect(sealed(text).equals(bytes)).toBe(false);
  });

  it('refuses a wrong key, saying so, and writes nothing', async () => {
    const path = fileOf(sealed(randomBytes(300)));
    const wrong = await refusal(openSealedFile(path, exportsKeyOf(randomBytes(32)), 'The file'));
    expect(wrong.kind).toBe('wrong-key');
    expect(wrong.message).toBe(
      "The file was not sealed under this data folder's key (it was exported by another" +
        ' workstation or data folder, or its key was lost): it cannot be opened here.',
    );
    const out = join(folder, 'wrong-key.dat');
    await refusal(unsealToFile(path, exportsKeyOf(randomBytes(32)), out, 'The file'));
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a file cut short, at a piece edge, inside a piece or in its header', async () => {
    const whole = sealed(randomBytes(5 * CHUNK));
    const h = headerBytes();
    const atEdge = await refusal(
      openSealedFile(fileOf(whole.subarray(0, h + 2 * (CHUNK + TAG_BYTES))), KEY, 'The file'),
    );
    expect(atEdge.kind).toBe('cut-short');
    expect(atEdge.message).toMatch(/^The file is cut short \(its last pieces are missing\)/);
    const inside = await refusal(
      openSealedFile(fileOf(whole.subarray(0, whole.length - 30)), KEY, 'The file'),
    );
    expect(inside.message).toMatch(/^The file is (cut short|damaged or cut short)/);
    const tiny = await refusal(openSealedFile(fileOf(whole.subarray(0, h + 5)), KEY, 'The file'));
    expect(tiny.kind).toBe('cut-short');
    const header = await refusal(openSealedFile(fileOf(whole.subarray(0, h - 3)), KEY, 'The file'));
    expect(header.message).toBe(
      'The file is cut short (it ends inside its header): it cannot be opened.',
    );
  });

  it('refuses a changed byte, swapped pieces, bytes added and a changed name', async () => {
    const plain = randomBytes(4 * CHUNK);
    const whole = sealed(plain);
    const h = headerBytes();
    const full = CHUNK + TAG_BYTES;
    const changed = Buffer.from(whole);
    changed[h + full + 3]! ^= 1;
    expect((await refusal(opened(fileOf(changed)))).message).toBe(
      'The file is damaged (a piece of it was changed, moved or added): it cannot be opened. Export again, or use a whole copy.',
    );
    const swapped = Buffer.concat([
      whole.subarray(0, h),
      whole.subarray(h + full, h + 2 * full),
      whole.subarray(h, h + full),
      whole.subarray(h + 2 * full),
    ]);
    expect((await refusal(opened(fileOf(swapped)))).kind).toBe('damaged');
    const added = Buffer.concat([whole, randomBytes(full)]);
    expect((await refusal(opened(fileOf(added)))).kind).toBe('damaged');
    const renamed = Buffer.from(whole);
    renamed[h - 1] = 'y'.charCodeAt(0); // the name's last letter: every piece is bound to it
    expect((await refusal(opened(fileOf(renamed)))).kind).toBe('damaged');
    const notOurs = await refusal(opened(fileOf(Buffer.from('%PDF-1.4 not sealed at all'))));
    expect(notOurs.kind).toBe('not-sealed');
    const newer = Buffer.from(whole);
    newer[8] = 9;
    expect((await refusal(opened(fileOf(newer)))).message).toMatch(/sealed by a newer version/);
  });

  it('writes the plain file where asked, never over another, nothing left on failure', async () => {
    const plain = randomBytes(3 * CHUNK + 5);
    const path = fileOf(sealed(plain, 'Bed_1.hea'));
    const out = join(folder, 'out', 'plain.hea');
    rmSync(join(folder, 'out'), { recursive: true, force: true });
    mkdirSync(join(folder, 'out'));
    expect(await unsealToFile(path, KEY, out, 'The file')).toEqual({
      name: 'Bed_1.hea',
      plainBytes: plain.length,
    });
    expect(readFileSync(out).equals(plain)).toBe(true);
    const again = await refusal(unsealToFile(path, KEY, out, 'The file'));
    expect(again.kind).toBe('exists');
    expect(readFileSync(out).equals(plain)).toBe(true);
    // A piece found damaged half-way: nothing under the name, no hidden file left.
    const damaged = sealed(plain, 'Bed_1.hea');
    damaged[headerBytes('Bed_1.hea') + CHUNK + TAG_BYTES + 1]! ^= 0x80;
    const other = join(folder, 'out', 'other.hea');
    await refusal(unsealToFile(fileOf(damaged), KEY, other, 'The file'));
    // The audit refused: not kept either.
    await expect(
      unsealToFile(path, KEY, other, 'The file', async () => {
        throw new Error('audit trail full');
      }),
    ).rejects.toThrow('audit trail full');
    expect(readdirSync(join(folder, 'out'))).toEqual(['plain.hea']);
  });
});
