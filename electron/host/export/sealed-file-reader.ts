// A sealed export opened from disk (sealed-file.ts), a chunk at a time: for the screen's download
// and `workstation exports open`. Everything that can be known before the first plain byte is
// checked on opening: that it is a sealed export, that this key is its key, its length, and that
// its last piece opens as the last (so a file cut at a piece's edge is refused at once). A piece
// changed further in is found when it is reached: the caller then keeps nothing of what it wrote.
import { randomUUID } from 'node:crypto';
import { link, open, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  FileOpener,
  parseSealedHeader,
  SEALED_HEADER_FIXED_BYTES,
  SealedFileError,
  sealedLayout,
  TAG_BYTES,
  type SealedHeader,
} from './sealed-file';

export interface SealedFile {
  /** The plain file's name, as the header says (authenticated). */
  name: string;
  plainBytes: number;
  /** The plain bytes, chunk by chunk; throws SealedFileError at a damaged piece. */
  chunks(): AsyncGenerator<Buffer>;
  close(): Promise<void>;
}

/** Opens `path` sealed under `key`; `fileWords` names it in errors ("The file X"). */
export async function openSealedFile(
  path: string,
  key: Uint8Array,
  fileWords: string,
): Promise<SealedFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SealedFileError(
      'not-sealed',
      code === 'ENOENT'
        ? `${fileWords} does not exist.`
        : `${fileWords} cannot be read (${code ?? (error as Error).message}).`,
    );
  }
  try {
    const { size } = await handle.stat();
    const header = await readHeader(handle, size, fileWords);
    const opener = new FileOpener(key, header, fileWords);
    const { chunks, plainBytes } = sealedLayout(header, size, fileWords);
    const full = header.chunkBytes + TAG_BYTES;
    const offsetOf = (index: number) => header.bytes.byteLength + index * full;
    const lastBytes = size - offsetOf(chunks - 1);
    opener.open(await readAt(handle, offsetOf(chunks - 1), lastBytes), chunks - 1, true);
    return {
      name: header.name,
      plainBytes,
      async *chunks() {
        for (let index = 0; index < chunks; index++) {
          const final = index === chunks - 1;
          const sealed = await readAt(handle, offsetOf(index), final ? lastBytes : full);
          yield opener.open(sealed, index, final);
        }
      },
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
}

async function readHeader(handle: FileHandle, size: number, fileWords: string) {
  const first = await readAt(handle, 0, Math.min(size, SEALED_HEADER_FIXED_BYTES));
  let parsed = parseSealedHeader(first, fileWords);
  if ('needBytes' in parsed) {
    if (parsed.needBytes > size) {
      throw new SealedFileError(
        'cut-short',
        `${fileWords} is cut short (it ends inside its header): it cannot be opened.`,
      );
    }
    parsed = parseSealedHeader(await readAt(handle, 0, parsed.needBytes), fileWords);
  }
  if ('needBytes' in parsed) throw new Error('a sealed header was read twice');
  return parsed.header satisfies SealedHeader;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

/**
 * Writes the plain file of the sealed export `sealedPath` to `outPath`, never replacing a file:
 * under a hidden name beside it first, linked to its name only once whole and checked, so a
 * wrong key, a damaged or cut file or a full disk leaves nothing there. `beforePlacing` runs once
 * the plain file is whole and checked, before it takes its name (the audit: if it throws, the
 * file is not kept). Returns the plain file's name (the header's) and its size.
 */
export async function unsealToFile(
  sealedPath: string,
  key: Uint8Array,
  outPath: string,
  fileWords: string,
  beforePlacing: (sealed: { name: string; plainBytes: number }) => Promise<void> = async () => {},
): Promise<{ name: string; plainBytes: number }> {
  const sealed = await openSealedFile(sealedPath, key, fileWords);
  const staging = join(dirname(outPath), `.${basename(outPath)}.opening-${randomUUID()}`);
  try {
    if (await exists(outPath)) {
      throw new SealedFileError(
        'exists',
        `${outPath} exists already: it was not replaced. Choose another name, or remove it first.`,
      );
    }
    const out = await open(staging, 'wx', 0o600);
    try {
      for await (const chunk of sealed.chunks()) await out.writeFile(chunk);
      await out.sync();
    } finally {
      await out.close();
    }
    const done = { name: sealed.name, plainBytes: sealed.plainBytes };
    await beforePlacing(done);
    try {
      await link(staging, outPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new SealedFileError(
          'exists',
          `${outPath} exists already: it was not replaced. Choose another name, or remove it first.`,
        );
      }
      throw error;
    }
    return done;
  } finally {
    await sealed.close().catch(() => {});
    await rm(staging, { force: true }).catch(() => {});
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
