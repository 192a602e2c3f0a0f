// Damage to the database's files found before the store opens, not months later in a review.
// PostgreSQL opens a relation file that lost its end, or holds garbage, without a word: rows just
// go missing, or reads fail. So every checkpoint (and close), once the files are durable, seals
// the size and modification time of each relation file (`pgdata.seal`). At open, a file shorter
// than sealed, or gone, is damage (relation files only grow: the only tables VACUUM runs on, the
// waveform tables, are set never to be truncated by it, migration 014); and every
// page of a file written since the seal (a crash, or a hand that was not PostgreSQL's) must have
// the header PostgreSQL itself would accept (it checks the same fields when it reads a page).
// Files untouched since the seal are not read again: a clean start costs a stat per file.
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeFileDurably } from './private-files';

const PAGE_BYTES = 8192;
/** pd_pagesize_version of every page PostgreSQL 12+ writes: 8192 | layout version 4. */
const PAGE_SIZE_VERSION = PAGE_BYTES | 4;
const PAGE_HEADER_BYTES = 24;
/** pd_flags bits PostgreSQL defines; any other set bit is garbage. */
const VALID_FLAG_BITS = 0x0007;
/** Relation forks: main, free space map, visibility map, init, and their 1 GiB segments. */
const RELATION_FILE = /^\d+(_(fsm|vm|init))?(\.\d+)?$/;
const READ_BYTES = 1024 * 1024;
const readBuffer = Buffer.alloc(READ_BYTES);
const ZERO_PAGE = Buffer.alloc(PAGE_BYTES);

interface Seal {
  /** The newest migration the database had: after an upgrade, files may have been rewritten. */
  migrationVersion: number;
  sealedAt: string;
  /** Relative path → [bytes, modification time in ms], for every relation file. */
  files: Record<string, [number, number]>;
}

export type RelationFiles = Map<string, [bytes: number, modifiedMs: number]>;

/** Every relation file of the database (under base/ and global/), with its size and mtime. */
export function relationFiles(dataDir: string): RelationFiles {
  const files: RelationFiles = new Map();
  const visit = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile() && RELATION_FILE.test(entry.name)) {
        const stats = statSync(path);
        files.set(relative(dataDir, path), [stats.size, stats.mtimeMs]);
      }
    }
  };
  visit(join(dataDir, 'base'));
  visit(join(dataDir, 'global'));
  return files;
}

/**
 * Records the sizes the files had right after a CHECKPOINT, once they are durable (fsync'd): the
 * files may have grown since, never shrunk, so a power cut cannot leave them shorter than sealed.
 */
export function sealStore(sealFile: string, files: RelationFiles, migrationVersion: number): void {
  const seal: Seal = {
    migrationVersion,
    sealedAt: new Date().toISOString(),
    files: Object.fromEntries(files),
  };
  writeFileDurably(sealFile, JSON.stringify(seal) + '\n');
}

function readSeal(sealFile: string): Seal | null {
  try {
    const seal = JSON.parse(readFileSync(sealFile, 'utf8')) as Partial<Seal>;
    if (typeof seal.files !== 'object' || seal.files === null) return null;
    if (!Object.values(seal.files).every((entry) => Array.isArray(entry))) return null;
    return {
      migrationVersion: Number(seal.migrationVersion ?? 0),
      sealedAt: String(seal.sealedAt ?? 'an earlier checkpoint'),
      files: seal.files,
    };
  } catch {
    return null; // none yet, or cut short by a crash while it was replaced: checked next time
  }
}

/**
 * What is wrong with the database's files, in one sentence, or null when nothing is found.
 * `migrationVersion` is this build's newest: a seal from before an upgrade is not compared.
 */
export function storeDamage(
  dataDir: string,
  sealFile: string,
  migrationVersion: number,
): string | null {
  const present = relationFiles(dataDir);
  const found = readSeal(sealFile);
  // After an upgrade's migrations, files may have been rewritten: pages are still checked.
  const seal = found?.migrationVersion === migrationVersion ? found : null;
  for (const [file, [sealedBytes]] of Object.entries(seal?.files ?? {})) {
    const [bytes] = present.get(file) ?? [];
    if (bytes === undefined) {
      return `its file ${file} is missing (${sealedBytes} bytes were committed at ${seal!.sealedAt})`;
    }
    if (bytes < sealedBytes) {
      return `its file ${file} has lost its end: ${bytes} bytes, but ${sealedBytes} were committed at ${seal!.sealedAt}`;
    }
  }
  for (const [file, [, modifiedMs]] of present) {
    if (seal?.files[file]?.[1] === modifiedMs) continue; // untouched since it was sealed
    const problem = pageProblem(join(dataDir, file));
    if (problem !== null) return `its file ${file} is damaged: ${problem}`;
  }
  return null;
}

/** The first page of a relation file PostgreSQL would not accept, in words, or null. */
export function pageProblem(path: string): string | null {
  const fd = openSync(path, 'r');
  try {
    const buffer = readBuffer;
    let offset = 0;
    for (;;) {
      const read = readSync(fd, buffer, 0, READ_BYTES, offset);
      if (read === 0) return null;
      if (read % PAGE_BYTES !== 0) {
        return `it ends ${read % PAGE_BYTES} bytes into page ${Math.floor((offset + read) / PAGE_BYTES)}`;
      }
      for (let at = 0; at < read; at += PAGE_BYTES) {
        const problem = headerProblem(buffer.subarray(at, at + PAGE_BYTES));
        if (problem !== null) return `page ${(offset + at) / PAGE_BYTES} ${problem}`;
      }
      offset += read;
    }
  } finally {
    closeSync(fd);
  }
}

/** As PostgreSQL's PageIsVerified: a new page is all zeros, any other has a sane header. */
function headerProblem(page: Buffer): string | null {
  const lower = page.readUInt16LE(12);
  const upper = page.readUInt16LE(14);
  const special = page.readUInt16LE(16);
  if (upper === 0) {
    return page.equals(ZERO_PAGE) ? null : 'is neither a new (all-zero) page nor a valid one';
  }
  const sane =
    (page.readUInt16LE(10) & ~VALID_FLAG_BITS) === 0 &&
    page.readUInt16LE(18) === PAGE_SIZE_VERSION &&
    lower >= PAGE_HEADER_BYTES &&
    lower <= upper &&
    upper <= special &&
    special <= PAGE_BYTES &&
    special % 8 === 0;
  return sane ? null : 'has a header no PostgreSQL page has';
}
