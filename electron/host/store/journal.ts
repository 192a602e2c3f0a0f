// The store's write-ahead journal, owned by the store worker. PGlite runs with fsync off (its
// fd_sync is a no-op), so durability is provided here: every batch is appended to a journal
// segment before it is inserted, the segment is fsync'd at least every `syncEveryMs`, and at
// start the segments not yet covered by a checkpoint are replayed (rows carry their ids, so
// replaying a batch PGlite already holds stores nothing twice).
//
// Segment files `NNNNNNNNNN.wal` hold records: "WJ" | u8 version | u32 payload length |
// u32 CRC-32 of the payload | payload. A crash can leave the last record torn: it is ignored.
import {
  chmodSync,
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from '../../../shared/codec/chunk-codec';

const MAGIC_0 = 0x57; // W
const MAGIC_1 = 0x4a; // J
const VERSION = 1;
const HEADER_BYTES = 11;
const SEGMENT = /^(\d{10})\.wal$/;
/** A record larger than this is not one we wrote: the length field is damaged. */
const MAX_RECORD_BYTES = 256 * 1024 * 1024;

export interface JournalRecord {
  segment: number;
  payload: Uint8Array;
}

export interface JournalReadReport {
  records: JournalRecord[];
  /** Segments whose tail was torn (normal after a crash) and where. */
  tornTails: { segment: number; atByte: number }[];
  /** Damage that is not a torn tail: a record that fails its checksum with more data after it. */
  damaged: { segment: number; atByte: number; keptAs: string }[];
}

const segmentName = (seq: number) => `${String(seq).padStart(10, '0')}.wal`;

export function segmentsIn(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => SEGMENT.exec(name)?.[1])
    .filter((seq): seq is string => seq !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Reads every record of every segment, in order. Damaged segments are kept aside as copies. */
export function readJournal(dir: string): JournalReadReport {
  const report: JournalReadReport = { records: [], tornTails: [], damaged: [] };
  for (const segment of segmentsIn(dir)) {
    const file = join(dir, segmentName(segment));
    const bytes = readFileSync(file);
    let at = 0;
    while (at < bytes.length) {
      const problem = recordProblem(bytes, at);
      if (problem === null) {
        const length = bytes.readUInt32LE(at + 3);
        report.records.push({
          segment,
          payload: new Uint8Array(bytes.subarray(at + HEADER_BYTES, at + HEADER_BYTES + length)),
        });
        at += HEADER_BYTES + length;
        continue;
      }
      if (problem === 'torn') {
        report.tornTails.push({ segment, atByte: at });
      } else {
        const keptAs = `${file}.damaged-${Date.now()}`;
        writeCopy(bytes, keptAs);
        report.damaged.push({ segment, atByte: at, keptAs });
      }
      break;
    }
  }
  return report;
}

function writeCopy(bytes: Buffer, path: string): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    writeSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

/** null when a whole, intact record starts at `at`; 'torn' when the file ends inside it. */
function recordProblem(bytes: Buffer, at: number): 'torn' | 'damaged' | null {
  if (bytes.length - at < HEADER_BYTES) return 'torn';
  if (bytes[at] !== MAGIC_0 || bytes[at + 1] !== MAGIC_1 || bytes[at + 2] !== VERSION) {
    return 'damaged';
  }
  const length = bytes.readUInt32LE(at + 3);
  if (length > MAX_RECORD_BYTES) return 'damaged';
  const end = at + HEADER_BYTES + length;
  if (end > bytes.length) return 'torn';
  const payload = bytes.subarray(at + HEADER_BYTES, end);
  if (crc32(payload) !== bytes.readUInt32LE(at + 7)) {
    // A bad checksum on the very last record is a torn write; anywhere else it is damage.
    return end === bytes.length ? 'torn' : 'damaged';
  }
  return null;
}

/** Deletes segments up to and including `segment`. */
export function deleteSegmentsThrough(dir: string, segment: number): void {
  for (const seq of segmentsIn(dir)) {
    if (seq <= segment) rmSync(join(dir, segmentName(seq)), { force: true });
  }
}

export function frameRecord(payload: Uint8Array): Uint8Array {
  const record = Buffer.alloc(HEADER_BYTES + payload.length);
  record[0] = MAGIC_0;
  record[1] = MAGIC_1;
  record[2] = VERSION;
  record.writeUInt32LE(payload.length, 3);
  record.writeUInt32LE(crc32(payload), 7);
  record.set(payload, HEADER_BYTES);
  return record;
}

export interface JournalOptions {
  /** Longest a written record may wait for its fsync (the power-loss window). */
  syncEveryMs?: number;
  /** Told when the timed fsync fails (it is tried again at the next tick). */
  onSyncError?: (error: unknown) => void;
}

/** The segment being written. Not thread-safe: the store worker is its only user. */
export class Journal {
  readonly #dir: string;
  #fd: number;
  #segment: number;
  /** Bytes of whole records in the current segment: a failed append is cut back to it. */
  #size = 0;
  #dirty = false;
  readonly #timer: NodeJS.Timeout;

  constructor(dir: string, options: JournalOptions = {}) {
    this.#dir = dir;
    // Patients' data: only this user may read it, whatever the umask.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    this.#segment = (segmentsIn(dir).at(-1) ?? 0) + 1;
    this.#fd = this.#openSegment(this.#segment);
    this.#timer = setInterval(() => {
      try {
        this.sync();
      } catch (error) {
        options.onSyncError?.(error);
      }
    }, options.syncEveryMs ?? 500);
    this.#timer.unref();
  }

  get segment(): number {
    return this.#segment;
  }

  /**
   * Appends one record, or throws with nothing appended: a write cut short (a full disk) is cut
   * back off, so the records after it are not hidden behind a torn one.
   */
  append(payload: Uint8Array): void {
    const record = frameRecord(payload);
    let written = 0;
    try {
      while (written < record.length) {
        written += writeSync(this.#fd, record, written, record.length - written);
      }
    } catch (error) {
      this.#cutBack();
      throw error;
    }
    this.#size += record.length;
    this.#dirty = true;
  }

  #cutBack(): void {
    try {
      ftruncateSync(this.#fd, this.#size);
    } catch {
      // Cannot cut: later records go to a new segment, so none follows the torn one.
      try {
        const next = this.#openSegment(this.#segment + 1);
        closeSync(this.#fd);
        this.#fd = next;
        this.#segment += 1;
      } catch {
        // Neither: reading stops at the torn record, as after a crash in the middle of a write.
      }
    }
  }

  /** fsync's what was appended since the last sync. */
  sync(): void {
    if (!this.#dirty) return;
    fsyncSync(this.#fd);
    this.#dirty = false;
  }

  /**
   * Closes the current segment (synced) and starts the next. Returns the closed segment's number:
   * once the database is durable up to now, segments up to it may be deleted.
   */
  rotate(): number {
    this.sync();
    closeSync(this.#fd);
    const closed = this.#segment;
    this.#segment += 1;
    this.#fd = this.#openSegment(this.#segment);
    return closed;
  }

  /** Deletes segments up to and including `segment` (their rows are durable in the database). */
  deleteThrough(segment: number): void {
    deleteSegmentsThrough(this.#dir, segment);
  }

  close(): void {
    clearInterval(this.#timer);
    this.sync();
    closeSync(this.#fd);
  }

  #openSegment(seq: number): number {
    const fd = openSync(join(this.#dir, segmentName(seq)), 'a', 0o600);
    this.#size = fstatSync(fd).size;
    return fd;
  }
}
