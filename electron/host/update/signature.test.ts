// The signature check with real Ed25519 keys made here: a good release and file pass; a tampered
// file, another key, another version, a downgrade, another platform and malformed JSON do not.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSigningKey, signRelease, writePublicKey } from './release-fixture';
import {
  loadTrustedKeys,
  trustedKeyFrom,
  verifyFileOnDisk,
  verifySignedRelease,
  ReleaseRefusedError,
  signedFile,
  type ReleaseExpectation,
} from './signature';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'update-signature-'));
  dirs.push(dir);
  return dir;
}

const it_ = makeSigningKey();
const other = makeSigningKey();
const installer = new TextEncoder().encode('the 3.2.0 installer, in bytes'.repeat(100));

function expectation(overrides: Partial<ReleaseExpectation> = {}): ReleaseExpectation {
  return {
    keys: [trustedKeyFrom(it_.publicPem, 'it.pub')],
    platform: 'linux',
    runningVersion: '3.1.0',
    feedVersion: '3.2.0',
    ...overrides,
  };
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ReleaseRefusedError) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe('verifySignedRelease', () => {
  it('accepts a release signed with the trusted key, then the file it signed', async () => {
    const release = signRelease(it_, '3.2.0', 'linux', { 'app-3.2.0.AppImage': installer });
    const checked = verifySignedRelease(JSON.stringify(release), expectation());
    expect(checked.manifest.version).toBe('3.2.0');
    const path = join(tempDir(), 'app-3.2.0.AppImage');
    writeFileSync(path, installer);
    await expect(verifyFileOnDisk(signedFile(checked, 'app-3.2.0.AppImage'), path)).resolves.toBe(
      undefined,
    );
  });

  it('refuses a tampered file, one byte changed or one byte more', async () => {
    const release = signRelease(it_, '3.2.0', 'linux', { 'app.AppImage': installer });
    const file = signedFile(verifySignedRelease(release, expectation()), 'app.AppImage');
    const path = join(tempDir(), 'app.AppImage');
    const tampered = Buffer.from(installer);
    tampered[100] = tampered[100]! ^ 1;
    writeFileSync(path, tampered);
    await expect(verifyFileOnDisk(file, path)).rejects.toMatchObject({ reason: 'file-mismatch' });
    writeFileSync(path, Buffer.concat([installer, Buffer.from([0])]));
    await expect(verifyFileOnDisk(file, path)).rejects.toThrow(/bytes; the signed release says/);
  });

  it('refuses a manifest changed after signing (a file swapped for another)', () => {
    const release = signRelease(it_, '3.2.0', 'linux', { 'app.AppImage': installer });
    const forged = signRelease(other, '3.2.0', 'linux', { 'app.AppImage': new Uint8Array(9) });
    release.manifest.files = forged.manifest.files;
    expect(refusal(() => verifySignedRelease(release, expectation()))).toBe('bad-signature');
  });

  it('refuses a release signed with a key it does not trust, even one claiming the trusted id', () => {
    const release = signRelease(other, '3.2.0', 'linux', { 'app.AppImage': installer });
    expect(refusal(() => verifySignedRelease(release, expectation()))).toBe('unknown-key');
    expect(
      refusal(() => verifySignedRelease({ ...release, keyId: it_.keyId }, expectation())),
    ).toBe('bad-signature');
  });

  it('refuses another version than the feed offers, another platform, and a downgrade', () => {
    const release = signRelease(it_, '3.2.0', 'linux', { 'app.AppImage': installer });
    expect(refusal(() => verifySignedRelease(release, expectation({ feedVersion: '3.3.0' })))).toBe(
      'wrong-version',
    );
    expect(refusal(() => verifySignedRelease(release, expectation({ platform: 'win' })))).toBe(
      'wrong-platform',
    );
    const older = signRelease(it_, '3.0.0', 'linux', { 'app.AppImage': installer });
    expect(refusal(() => verifySignedRelease(older, expectation({ feedVersion: '3.0.0' })))).toBe(
      'not-newer',
    );
    expect(
      refusal(() => verifySignedRelease(release, expectation({ runningVersion: '3.2.0' }))),
    ).toBe('not-newer');
  });

  it('refuses malformed JSON and what is not a signed release', () => {
    expect(refusal(() => verifySignedRelease('{"manifest": ', expectation()))).toBe('malformed');
    expect(refusal(() => verifySignedRelease('[]', expectation()))).toBe('malformed');
    const release = signRelease(it_, '3.2.0', 'linux', { 'app.AppImage': installer });
    expect(refusal(() => verifySignedRelease({ ...release, extra: 1 }, expectation()))).toBe(
      'malformed',
    );
    const climbing = structuredClone(release);
    climbing.manifest.files[0]!.name = '../../bin/sh';
    expect(refusal(() => verifySignedRelease(climbing, expectation()))).toBe('malformed');
  });

  it('refuses everything with no key built in, and says so', () => {
    const release = signRelease(it_, '3.2.0', 'linux', { 'app.AppImage': installer });
    expect(() => verifySignedRelease(release, expectation({ keys: [] }))).toThrow(
      'no update signing key is built into this workstation',
    );
  });

  it('names a file the release did not sign', () => {
    const release = signRelease(it_, '3.2.0', 'linux', { 'app.AppImage': installer });
    expect(refusal(() => signedFile(release, 'other.AppImage'))).toBe('file-mismatch');
  });
});

describe('loadTrustedKeys', () => {
  it('reads PEM (as `server release keygen` writes it) and raw base64 keys, refuses a private key, names a file that is not one, and is empty without a folder', () => {
    const folder = tempDir();
    writePublicKey(folder, it_, 'a.pub');
    const raw = trustedKeyFrom(other.publicPem, 'x').key.export({ format: 'der', type: 'spki' });
    writeFileSync(join(folder, 'b.pub'), raw.subarray(raw.byteLength - 32).toString('base64'));
    writeFileSync(join(folder, 'c.pub'), 'not a key');
    writeFileSync(
      join(folder, 'd.pem'),
      it_.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    );
    writeFileSync(join(folder, 'e.pub.pem'), it_.publicPem);
    writeFileSync(join(folder, 'README.md'), 'ignored');
    const { keys, problems } = loadTrustedKeys(folder);
    expect(keys.map((k) => k.keyId)).toEqual([it_.keyId, other.keyId, it_.keyId]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('c.pub');
    expect(problems[1]).toMatch(/d.pem is a private key: it must never be built in/);
    expect(loadTrustedKeys(join(folder, 'missing'))).toEqual({ keys: [], problems: [] });
  });
});
