// The audit chain on made-up entries: a whole chain holds; a deleted, changed, reordered or
// duplicated entry is named at its place; retention's start is taken as given on request only.
import { describe, expect, it } from 'vitest';
import {
  AUDIT_GENESIS_HASH,
  AuditChainChecker,
  auditEntryHash,
  canonicalAuditText,
  nextAuditLink,
  verifyAuditChain,
  type AuditChainEntry,
} from './audit-chain';
import { sha256Hex } from './sha256';

function chain(length: number, workstationId = 'ws-demo'): AuditChainEntry[] {
  const entries: AuditChainEntry[] = [];
  for (let i = 0; i < length; i++) {
    const tail = entries.at(-1) ?? null;
    entries.push(
      nextAuditLink(
        tail,
        {
          workstationId,
          id: `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`,
          atMs: 1_800_000_000_000 + i * 1000,
          actor: i % 2 === 0 ? 'nurse.demo' : 'physician.demo',
          action: 'bed-opened',
          subject: i % 3 === 0 ? null : `patient-${i}`,
          detail: `view ${i}`,
        },
        sha256Hex,
      ),
    );
  }
  return entries;
}

describe('SHA-256', () => {
  it('gives the published digests', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });
});

describe('the canonical text', () => {
  const base = chain(1)[0]!;
  it('tells apart entries whose fields only move a separator between them', () => {
    const a = { ...base, actor: 'ab', action: 'c' };
    const b = { ...base, actor: 'a', action: 'bc' };
    expect(canonicalAuditText(a)).not.toBe(canonicalAuditText(b));
    expect(canonicalAuditText({ ...base, subject: null })).not.toBe(
      canonicalAuditText({ ...base, subject: '' }),
    );
  });
  it('refuses a place or time that is not a whole number', () => {
    expect(() => canonicalAuditText({ ...base, seq: 1.5 })).toThrow(/seq must be a whole number/);
    expect(() => canonicalAuditText({ ...base, atMs: Number.NaN })).toThrow(/atMs/);
  });
});

describe('verifyAuditChain', () => {
  it('holds for a whole chain from the genesis hash', () => {
    const entries = chain(20);
    expect(entries[0]!.seq).toBe(1);
    expect(entries[0]!.prevHash).toBe(AUDIT_GENESIS_HASH);
    expect(entries[1]!.prevHash).toBe(entries[0]!.entryHash);
    const verdict = verifyAuditChain(entries, sha256Hex);
    expect(verdict).toMatchObject({ ok: true, checkedCount: 20, fromSeq: 1, toSeq: 20 });
    expect(verdict.message).toBe(
      'The audit trail is intact: 20 entries checked, from the first entry to entry 20.',
    );
  });

  it('holds for no entries at all', () => {
    expect(verifyAuditChain([], sha256Hex)).toMatchObject({ ok: true, checkedCount: 0 });
  });

  it('finds a deleted entry in the middle', () => {
    const entries = chain(10);
    entries.splice(4, 1);
    const verdict = verifyAuditChain(entries, sha256Hex);
    expect(verdict).toMatchObject({ ok: false, problem: 'deleted', atSeq: 5, checkedCount: 4 });
    expect(verdict.message).toBe('Audit entry 5 was deleted (entry 6 follows entry 4).');
  });

  it('finds several deleted entries and says which', () => {
    const entries = chain(10);
    entries.splice(2, 3);
    expect(verifyAuditChain(entries, sha256Hex).message).toBe(
      'Audit entries 3 to 5 were deleted (entry 6 follows entry 2).',
    );
  });

  it('finds deleted first entries when the chain must start at the genesis', () => {
    const entries = chain(6).slice(2);
    expect(verifyAuditChain(entries, sha256Hex)).toMatchObject({
      ok: false,
      problem: 'missing-start',
      message: 'Audit entries 1 to 2 were deleted: the audit trail starts at entry 3.',
    });
  });

  it('finds a changed entry, and a changed entry whose hash was recomputed', () => {
    const entries = chain(8);
    entries[3] = { ...entries[3]!, detail: 'nothing happened' };
    expect(verifyAuditChain(entries, sha256Hex)).toMatchObject({
      ok: false,
      problem: 'changed',
      atSeq: 4,
      message:
        'Audit entry 4 was changed after it was written (its content no longer matches its hash).',
    });

    const rewritten = chain(8);
    const forged = { ...rewritten[3]!, actor: 'someone.else' };
    rewritten[3] = { ...forged, entryHash: auditEntryHash(forged, sha256Hex) };
    expect(verifyAuditChain(rewritten, sha256Hex)).toMatchObject({
      ok: false,
      problem: 'broken-link',
      atSeq: 5,
      message:
        'Audit entry 5 does not follow entry 4: entry 4 was replaced or rewritten after it was written.',
    });
  });

  it('finds a changed time or workstation: every field is covered', () => {
    for (const change of [{ atMs: 1 }, { workstationId: 'ws-other' }, { id: 'x' }] as const) {
      const entries = chain(3);
      entries[1] = { ...entries[1]!, ...change };
      expect(verifyAuditChain(entries, sha256Hex)).toMatchObject({ ok: false, problem: 'changed' });
    }
  });

  it('finds entries stored out of order', () => {
    const entries = chain(6);
    [entries[2], entries[3]] = [entries[3]!, entries[2]!];
    expect(verifyAuditChain(entries, sha256Hex)).toMatchObject({
      ok: false,
      problem: 'reordered',
      atSeq: 3,
      message: 'The audit trail was reordered: entry 4 is stored where entry 3 belongs.',
    });
  });

  it('finds two entries whose places were swapped (read back by seq)', () => {
    const entries = chain(6);
    const [third, fourth] = [entries[2]!, entries[3]!];
    entries[2] = { ...fourth, seq: 3 };
    entries[3] = { ...third, seq: 4 };
    expect(verifyAuditChain(entries, sha256Hex)).toMatchObject({
      ok: false,
      problem: 'reordered',
      atSeq: 3,
      message: 'The audit trail was reordered: the entry stored as 3 was written as entry 4.',
    });
  });

  it('finds an entry stored twice', () => {
    const entries = chain(4);
    entries.splice(2, 0, entries[1]!);
    expect(verifyAuditChain(entries, sha256Hex)).toMatchObject({
      ok: false,
      problem: 'duplicated',
      atSeq: 2,
    });
  });

  it('finds a forged first entry', () => {
    const entries = chain(3);
    const forged = { ...entries[0]!, prevHash: 'f'.repeat(64) };
    entries[0] = { ...forged, entryHash: auditEntryHash(forged, sha256Hex) };
    expect(verifyAuditChain(entries, sha256Hex)).toMatchObject({
      ok: false,
      problem: 'broken-link',
      atSeq: 1,
    });
  });

  it('starts from the oldest kept entry after retention, only when told to', () => {
    const kept = chain(30).slice(12);
    expect(verifyAuditChain(kept, sha256Hex, 'oldest-kept')).toMatchObject({
      ok: true,
      checkedCount: 18,
      fromSeq: 13,
      toSeq: 30,
      start: 'oldest-kept',
      message:
        'The audit trail is intact: 18 entries checked, from entry 13 (the oldest kept) to entry 30.',
    });
    expect(verifyAuditChain(kept, sha256Hex, 'genesis')).toMatchObject({
      ok: false,
      problem: 'missing-start',
    });
    // After the start, a deletion is still a deletion.
    const holed = [...kept.slice(0, 5), ...kept.slice(6)];
    expect(verifyAuditChain(holed, sha256Hex, 'oldest-kept')).toMatchObject({
      ok: false,
      problem: 'deleted',
      atSeq: 18,
      fromSeq: 13,
    });
  });
});

describe('AuditChainChecker, one entry at a time', () => {
  it('gives the same verdict as the whole array and stops at the first problem', () => {
    const entries = chain(12);
    entries[7] = { ...entries[7]!, action: 'export' };
    const checker = new AuditChainChecker(sha256Hex);
    const accepted = entries.map((entry) => checker.add(entry));
    expect(accepted.indexOf(false)).toBe(7);
    expect(accepted.slice(8).every((ok) => !ok)).toBe(true);
    expect(checker.verdict()).toEqual(verifyAuditChain(entries, sha256Hex));
  });
});
