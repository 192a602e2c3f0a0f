// The audit trail as a hash chain: each entry of a workstation carries its position (seq 1, 2, 3…),
// the hash of the entry before it and its own hash over both and its content, so an entry
// removed, edited or moved is found by recomputing the chain. Pure: the SHA-256 is given by the
// caller (node:crypto on the workstation and the server), so this file runs anywhere.
//
// A chain is evidence against a change made after the fact, not a signature: someone holding the
// disk could rewrite every later entry consistently. The central server's copy, synced within
// minutes, is what such a rewrite would then contradict.

/** SHA-256 of the text's UTF-8 bytes, as 64 lowercase hex digits. */
export type AuditHash = (utf8Text: string) => string;

/** The prev_hash of a workstation's first chained entry. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** Bumped if the encoding below ever changes: old entries stay checkable by their version. */
const ENCODING_TAG = 'audit-chain/v1';

/** What an entry's hash covers: everything that says who did what, when, where and in what order. */
export interface AuditEntryContent {
  workstationId: string;
  seq: number;
  id: string;
  atMs: number;
  actor: string;
  action: string;
  subject: string | null;
  detail: string | null;
  prevHash: string;
}

export interface AuditChainEntry extends AuditEntryContent {
  entryHash: string;
}

/** The last entry of a chain, which the next one follows. */
export interface AuditChainTail {
  seq: number;
  entryHash: string;
}

/**
 * The text hashed: each field length-prefixed (`<length>:<value>;`, null as `~;`), so no two
 * different entries encode alike whatever their fields contain. Lengths count UTF-16 code units.
 */
export function canonicalAuditText(entry: AuditEntryContent): string {
  const fields: Array<string | null> = [
    entry.workstationId,
    wholeNumber('seq', entry.seq),
    entry.id,
    wholeNumber('atMs', entry.atMs),
    entry.actor,
    entry.action,
    entry.subject,
    entry.detail,
    entry.prevHash,
  ];
  return ENCODING_TAG + fields.map((f) => (f === null ? '~;' : `${f.length}:${f};`)).join('');
}

export function auditEntryHash(entry: AuditEntryContent, hash: AuditHash): string {
  return hash(canonicalAuditText(entry));
}

/** The chain fields of the entry written after `tail` (null: the first entry of the chain). */
export function nextAuditLink(
  tail: AuditChainTail | null,
  content: Omit<AuditEntryContent, 'seq' | 'prevHash'>,
  hash: AuditHash,
): AuditChainEntry {
  const seq = tail === null ? 1 : tail.seq + 1;
  const prevHash = tail === null ? AUDIT_GENESIS_HASH : tail.entryHash;
  const entry = { ...content, seq, prevHash };
  return { ...entry, entryHash: auditEntryHash(entry, hash) };
}

/**
 * Where checking starts. `genesis`: the chain is whole (the server's copy), so it must begin at
 * seq 1 after the genesis hash. `oldest-kept`: older entries were deleted by retention after they
 * reached the server (the workstation), so the first entry given is taken as it is, prev_hash
 * included, and everything after it is checked against it.
 */
export type AuditChainStart = 'genesis' | 'oldest-kept';

export type AuditChainProblem =
  'missing-start' | 'deleted' | 'duplicated' | 'reordered' | 'changed' | 'broken-link';

export type AuditChainVerdict =
  | {
      ok: true;
      /** Entries whose hash and link were checked. */
      checkedCount: number;
      /** First and last seq checked (null when there were none). */
      fromSeq: number | null;
      toSeq: number | null;
      start: AuditChainStart;
      message: string;
    }
  | {
      ok: false;
      problem: AuditChainProblem;
      /** The seq at which the chain stops holding. */
      atSeq: number;
      /** Entries that checked out before the problem. */
      checkedCount: number;
      fromSeq: number | null;
      start: AuditChainStart;
      message: string;
    };

/**
 * Checks one workstation's entries, given in the order they are stored (by seq, as read back):
 * returns the first problem, in words, or how many entries hold together.
 */
export function verifyAuditChain(
  entries: readonly AuditChainEntry[],
  hash: AuditHash,
  start: AuditChainStart = 'genesis',
): AuditChainVerdict {
  const present = new Set(entries.map((e) => e.seq));
  const checker = new AuditChainChecker(hash, start, (seq) => present.has(seq));
  for (const entry of entries) if (!checker.add(entry)) break;
  return checker.verdict();
}

/** How far from its place a moved entry is looked for, either way (only once the chain broke). */
const MOVED_WINDOW = 1_000;

/**
 * The same check, one entry at a time, for a chain too long to hold in memory (the server's):
 * `add` returns false at the first problem, after which the verdict stays that problem.
 */
export class AuditChainChecker {
  #previous: AuditChainTail | null = null;
  #fromSeq: number | null = null;
  #checked = 0;
  #failure: Extract<AuditChainVerdict, { ok: false }> | null = null;

  /** `stillToCome`: whether a seq is among the entries not given yet (known for an array). */
  constructor(
    private readonly hash: AuditHash,
    private readonly start: AuditChainStart = 'genesis',
    private readonly stillToCome: (seq: number) => boolean = () => false,
  ) {}

  add(entry: AuditChainEntry): boolean {
    if (this.#failure !== null) return false;
    const previous = this.#previous;
    if (previous === null) {
      this.#fromSeq = this.start === 'genesis' ? 1 : entry.seq;
      if (this.start === 'genesis' && entry.seq !== 1) {
        return this.#fail(
          'missing-start',
          1,
          entry.seq === 2
            ? 'Audit entry 1 was deleted: the audit trail starts at entry 2.'
            : `Audit entries 1 to ${entry.seq - 1} were deleted: the audit trail starts at entry ${entry.seq}.`,
        );
      }
    }
    const expectedSeq = previous === null ? this.#fromSeq! : previous.seq + 1;
    if (entry.seq !== expectedSeq) {
      if (previous !== null && entry.seq === previous.seq) {
        return this.#fail('duplicated', entry.seq, `Audit entry ${entry.seq} appears twice.`);
      }
      if (entry.seq < expectedSeq || this.stillToCome(expectedSeq)) {
        return this.#fail(
          'reordered',
          expectedSeq,
          `The audit trail was reordered: entry ${entry.seq} is stored where entry ${expectedSeq} belongs.`,
        );
      }
      const after = `entry ${entry.seq} follows entry ${expectedSeq - 1}`;
      return this.#fail(
        'deleted',
        expectedSeq,
        expectedSeq === entry.seq - 1
          ? `Audit entry ${expectedSeq} was deleted (${after}).`
          : `Audit entries ${expectedSeq} to ${entry.seq - 1} were deleted (${after}).`,
      );
    }
    if (auditEntryHash(entry, this.hash) !== entry.entryHash) {
      const movedFrom = writtenAs(entry, this.hash);
      return movedFrom !== null
        ? this.#fail(
            'reordered',
            entry.seq,
            `The audit trail was reordered: the entry stored as ${entry.seq} was written as entry ${movedFrom}.`,
          )
        : this.#fail(
            'changed',
            entry.seq,
            `Audit entry ${entry.seq} was changed after it was written (its content no longer matches its hash).`,
          );
    }
    // Retention took the entries before the oldest kept one: its link is taken as given.
    const expectedPrev =
      previous !== null
        ? previous.entryHash
        : this.start === 'genesis'
          ? AUDIT_GENESIS_HASH
          : entry.prevHash;
    if (entry.prevHash !== expectedPrev) {
      return this.#fail(
        'broken-link',
        entry.seq,
        previous === null
          ? `Audit entry ${entry.seq} does not start the chain: it names a predecessor, so an entry before it was deleted or replaced.`
          : `Audit entry ${entry.seq} does not follow entry ${previous.seq}: entry ${previous.seq} was replaced or rewritten after it was written.`,
      );
    }
    this.#previous = { seq: entry.seq, entryHash: entry.entryHash };
    this.#checked += 1;
    return true;
  }

  verdict(): AuditChainVerdict {
    if (this.#failure !== null) return this.#failure;
    const last = this.#previous;
    if (last === null) {
      return {
        ok: true,
        checkedCount: 0,
        fromSeq: null,
        toSeq: null,
        start: this.start,
        message: 'There are no chained audit entries to check.',
      };
    }
    const n = this.#checked;
    const from =
      this.start === 'genesis' ? 'the first entry' : `entry ${this.#fromSeq} (the oldest kept)`;
    return {
      ok: true,
      checkedCount: n,
      fromSeq: this.#fromSeq,
      toSeq: last.seq,
      start: this.start,
      message: `The audit trail is intact: ${n} ${n === 1 ? 'entry' : 'entries'} checked, from ${from} to entry ${last.seq}.`,
    };
  }

  #fail(problem: AuditChainProblem, atSeq: number, message: string): false {
    this.#failure = {
      ok: false,
      problem,
      atSeq,
      checkedCount: this.#checked,
      fromSeq: this.#fromSeq,
      start: this.start,
      message,
    };
    return false;
  }
}

/**
 * The seq an entry was written with, when only its place moved (its content matches its hash
 * under a nearby seq). Tried only once the chain is already broken.
 */
function writtenAs(entry: AuditChainEntry, hash: AuditHash): number | null {
  for (let distance = 1; distance <= MOVED_WINDOW; distance++) {
    for (const seq of [entry.seq - distance, entry.seq + distance]) {
      if (seq < 1) continue;
      if (auditEntryHash({ ...entry, seq }, hash) === entry.entryHash) return seq;
    }
  }
  return null;
}

function wholeNumber(name: string, value: number): string {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`An audit entry's ${name} must be a whole number, not ${value}.`);
  }
  return String(value);
}
