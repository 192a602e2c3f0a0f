// An export sealed at rest: the file as a stream of AES-256-GCM chunks under a key derived from
// the data folder's data key (HKDF-SHA256, "exports"), so a stolen disk gives none of it away.
//
//   header  = "WSEXPORT" | version (1) | chunk bytes (u32) | nonce base (12) | key check (16)
//             | name length (u16) | the plain file's name (UTF-8)
//   chunk i = AES-256-GCM(plain bytes i) | tag (16)
//             nonce = nonce base XOR i (in its last 8 bytes); AAD = header | i (u64) | final (1)
//
// Every chunk but the last holds exactly `chunk bytes` plain bytes; the last holds 0 to that
// many and is sealed as final. So a file cut anywhere, a chunk moved or swapped, a header or name
// changed, or bytes added are each refused; the key check tells a wrong key from a damaged file.
// Integers are big-endian. Pure: bytes in, bytes out; reading a file is sealed-file-reader.ts.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export const SEALED_MAGIC = Buffer.from('WSEXPORT', 'ascii');
export const SEALED_VERSION = 1;
/** What a sealed export's name ends with in the exports folder. */
export const SEALED_SUFFIX = '.sealed';
/** Plain bytes per chunk: 64 KiB costs 16 bytes of tag each (0.02 %). */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;
export const TAG_BYTES = 16;
const NONCE_BYTES = 12;
const CHECK_BYTES = 16;
const FIXED_HEADER_BYTES = SEALED_MAGIC.byteLength + 1 + 4 + NONCE_BYTES + CHECK_BYTES + 2;
const MAX_NAME_BYTES = 1024;
const MAX_CHUNK_BYTES = 16 * 1024 * 1024;

/** The key exports are sealed under, derived from the data folder's data key. */
export function exportsKeyOf(dataKey: Uint8Array): Buffer {
  if (dataKey.byteLength !== 32) throw new Error('a data key is 32 bytes');
  return Buffer.from(hkdfSync('sha256', dataKey, new Uint8Array(0), 'workstation exports v1', 32));
}

/** The sealed file's name for a plain one: "Bed_3_….dat" → "Bed_3_….dat.sealed". */
export function sealedNameOf(plainName: string): string {
  return plainName + SEALED_SUFFIX;
}

/** A file that is not a whole sealed export, or that this key does not open: `kind` says which. */
export class SealedFileError extends Error {
  constructor(
    readonly kind: 'not-sealed' | 'newer' | 'wrong-key' | 'cut-short' | 'damaged' | 'exists',
    message: string,
  ) {
    super(message);
    this.name = 'SealedFileError';
  }
}

/** What the header says: the plain file's name, how the chunks are cut, how long it is. */
export interface SealedHeader {
  name: string;
  chunkBytes: number;
  nonceBase: Buffer;
  keyCheck: Buffer;
  /** The header's bytes (authenticated with every chunk). */
  bytes: Buffer;
}

function keyCheckOf(key: Uint8Array, nonceBase: Uint8Array): Buffer {
  return createHmac('sha256', key)
    .update('exports key check')
    .update(nonceBase)
    .digest()
    .subarray(0, CHECK_BYTES);
}

function nonceOf(base: Buffer, index: number): Buffer {
  const nonce = Buffer.from(base);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(index));
  for (let i = 0; i < 8; i++) nonce[NONCE_BYTES - 8 + i]! ^= counter[i]!;
  return nonce;
}

function aadOf(header: Buffer, index: number, final: boolean): Buffer {
  const tail = Buffer.alloc(9);
  tail.writeBigUInt64BE(BigInt(index));
  tail[8] = final ? 1 : 0;
  return Buffer.concat([header, tail]);
}

/**
 * Seals one file as it is written: `header()` first, then what `push` returns for each piece,
 * then `finish()`. Holds at most one chunk of plain bytes.
 */
export class FileSealer {
  readonly #key: Buffer;
  readonly #header: Buffer;
  readonly #nonceBase: Buffer;
  readonly #chunkBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #index = 0;
  #finished = false;

  constructor(key: Uint8Array, plainName: string, chunkBytes = DEFAULT_CHUNK_BYTES) {
    if (key.byteLength !== 32) throw new Error('an exports key is 32 bytes');
    if (!(Number.isInteger(chunkBytes) && chunkBytes > 0 && chunkBytes <= MAX_CHUNK_BYTES))
      throw new Error(`chunk bytes must be 1..${MAX_CHUNK_BYTES}, not ${chunkBytes}`);
    const name = Buffer.from(plainName, 'utf8');
    if (name.byteLength === 0 || name.byteLength > MAX_NAME_BYTES)
      throw new Error(`a sealed file's name must be 1..${MAX_NAME_BYTES} bytes`);
    this.#key = Buffer.from(key);
    this.#chunkBytes = chunkBytes;
    this.#nonceBase = randomBytes(NONCE_BYTES);
    const fixed = Buffer.alloc(FIXED_HEADER_BYTES);
    let at = SEALED_MAGIC.copy(fixed, 0);
    at = fixed.writeUInt8(SEALED_VERSION, at);
    at = fixed.writeUInt32BE(chunkBytes, at);
    at += this.#nonceBase.copy(fixed, at);
    at += keyCheckOf(this.#key, this.#nonceBase).copy(fixed, at);
    fixed.writeUInt16BE(name.byteLength, at);
    this.#header = Buffer.concat([fixed, name]);
  }

  header(): Buffer {
    return this.#header;
  }

  /** The chunks this piece completes (none while less than a chunk is held). */
  push(piece: string | Uint8Array): Buffer[] {
    if (this.#finished) throw new Error('the sealed file is finished');
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece);
    if (bytes.byteLength === 0) return [];
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.byteLength;
    const out: Buffer[] = [];
    // A chunk is sealed only once more follows: the last one must be sealed as final.
    while (this.#pendingBytes > this.#chunkBytes) {
      const all = Buffer.concat(this.#pending);
      out.push(this.#seal(all.subarray(0, this.#chunkBytes), false));
      const rest = all.subarray(this.#chunkBytes);
      this.#pending = [rest];
      this.#pendingBytes = rest.byteLength;
    }
    return out;
  }

  /** The last chunk (possibly of no plain bytes), sealed as final. */
  finish(): Buffer {
    if (this.#finished) throw new Error('the sealed file is finished');
    this.#finished = true;
    const last = this.#seal(Buffer.concat(this.#pending), true);
    this.#pending = [];
    return last;
  }

  #seal(plain: Buffer, final: boolean): Buffer {
    const index = this.#index++;
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonceOf(this.#nonceBase, index));
    cipher.setAAD(aadOf(this.#header, index, final));
    return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  }
}

/** At most this many sealed bytes for `plainBytes` plain ones (for the disk-space guard). */
export function sealedBytesAtMost(plainBytes: number, chunkBytes = DEFAULT_CHUNK_BYTES): number {
  return plainBytes + (Math.ceil(plainBytes / chunkBytes) + 1) * TAG_BYTES;
}

/**
 * Reads a header from the first bytes of a file (at least FIXED_HEADER_BYTES + the name, or all
 * of a shorter file); null when more bytes are needed than given.
 */
export function parseSealedHeader(
  start: Buffer,
  fileWords: string,
): { header: SealedHeader } | { needBytes: number } {
  const notSealed = () =>
    new SealedFileError(
      'not-sealed',
      `${fileWords} is not an export sealed by a workstation (or its beginning is damaged).`,
    );
  if (start.byteLength < SEALED_MAGIC.byteLength + 1) throw notSealed();
  if (!start.subarray(0, SEALED_MAGIC.byteLength).equals(SEALED_MAGIC)) throw notSealed();
  const version = start[SEALED_MAGIC.byteLength]!;
  if (version !== SEALED_VERSION) {
    throw new SealedFileError(
      'newer',
      `${fileWords} was sealed by a newer version of the workstation (format ${version}): open it with that version.`,
    );
  }
  if (start.byteLength < FIXED_HEADER_BYTES) throw notSealed();
  let at = SEALED_MAGIC.byteLength + 1;
  const chunkBytes = start.readUInt32BE(at);
  at += 4;
  const nonceBase = Buffer.from(start.subarray(at, at + NONCE_BYTES));
  at += NONCE_BYTES;
  const keyCheck = Buffer.from(start.subarray(at, at + CHECK_BYTES));
  at += CHECK_BYTES;
  const nameBytes = start.readUInt16BE(at);
  if (chunkBytes === 0 || chunkBytes > MAX_CHUNK_BYTES || nameBytes === 0) throw notSealed();
  if (nameBytes > MAX_NAME_BYTES) throw notSealed();
  const total = FIXED_HEADER_BYTES + nameBytes;
  if (start.byteLength < total) return { needBytes: total };
  const name = start.subarray(FIXED_HEADER_BYTES, total).toString('utf8');
  return {
    header: { name, chunkBytes, nonceBase, keyCheck, bytes: Buffer.from(start.subarray(0, total)) },
  };
}

/** The chunks' layout from the file's size: how many, and the plain size; throws if impossible. */
export function sealedLayout(
  header: SealedHeader,
  fileBytes: number,
  fileWords: string,
): { chunks: number; plainBytes: number } {
  const body = fileBytes - header.bytes.byteLength;
  const full = header.chunkBytes + TAG_BYTES;
  const chunks = Math.max(1, Math.ceil(body / full));
  const last = body - (chunks - 1) * full;
  if (body < TAG_BYTES || last < TAG_BYTES) {
    throw new SealedFileError(
      'cut-short',
      `${fileWords} is cut short (it ends inside a piece): it cannot be opened. Export again, or use a whole copy.`,
    );
  }
  return { chunks, plainBytes: body - chunks * TAG_BYTES };
}

/** Opens the chunks of one sealed file, in order; checks the key against the header first. */
export class FileOpener {
  readonly #key: Buffer;
  readonly #header: SealedHeader;
  readonly #fileWords: string;

  constructor(key: Uint8Array, header: SealedHeader, fileWords: string) {
    this.#key = Buffer.from(key);
    this.#header = header;
    this.#fileWords = fileWords;
    if (!keyCheckOf(this.#key, header.nonceBase).equals(header.keyCheck)) {
      throw new SealedFileError(
        'wrong-key',
        `${fileWords} was not sealed under this data folder's key (it was exported by another` +
          ' workstation or data folder, or its key was lost): it cannot be opened here.',
      );
    }
  }

  /** Chunk `index` (its sealed bytes, tag last) opened; `final` when it is the file's last. */
  open(sealed: Uint8Array, index: number, final: boolean): Buffer {
    if (sealed.byteLength < TAG_BYTES) throw this.#damaged(final);
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.#key,
      nonceOf(this.#header.nonceBase, index),
    );
    decipher.setAAD(aadOf(this.#header.bytes, index, final));
    decipher.setAuthTag(Buffer.from(sealed.subarray(sealed.byteLength - TAG_BYTES)));
    try {
      return Buffer.concat([
        decipher.update(sealed.subarray(0, sealed.byteLength - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      // A whole chunk that opens as not-final where the file ends: the rest was cut off.
      if (final && this.#opensAsMiddle(sealed, index)) {
        throw new SealedFileError(
          'cut-short',
          `${this.#fileWords} is cut short (its last pieces are missing): it cannot be opened. Export again, or use a whole copy.`,
        );
      }
      throw this.#damaged(final);
    }
  }

  #opensAsMiddle(sealed: Uint8Array, index: number): boolean {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.#key,
      nonceOf(this.#header.nonceBase, index),
    );
    decipher.setAAD(aadOf(this.#header.bytes, index, false));
    decipher.setAuthTag(Buffer.from(sealed.subarray(sealed.byteLength - TAG_BYTES)));
    try {
      decipher.update(sealed.subarray(0, sealed.byteLength - TAG_BYTES));
      decipher.final();
      return true;
    } catch {
      return false;
    }
  }

  #damaged(last: boolean): SealedFileError {
    const how = last
      ? 'is damaged or cut short (its last piece does not open)'
      : 'is damaged (a piece of it was changed, moved or added)';
    return new SealedFileError(
      'damaged',
      `${this.#fileWords} ${how}: it cannot be opened. Export again, or use a whole copy.`,
    );
  }
}

/** The fixed part of a header: read this many bytes first to learn the name's length. */
export const SEALED_HEADER_FIXED_BYTES = FIXED_HEADER_BYTES;
