// IT's signing with real Ed25519 keys made here: keygen writes a private key only its owner reads,
// sign covers the files' sha512 and the version, and the server's check refuses a changed release,
// another key, and everything when it has no key. Also the `release` command line.
import { createHash, createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerCommand, UsageError } from '../cli/args';
import { takeUpdatePublicKeys } from '../cli/release-args';
import { runReleaseCommand } from './release-command';
import {
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
  signRelease,
  writeSigningKeyPair,
} from './release-signing';
import { checkSignature } from './signature';
import { keyIdOf, readTrustedKeys } from './signing-keys';

let dir: string;
let installer: string;
let zip: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'release-signing-'));
  installer = join(dir, 'Clinical-Workstation-Setup-1.2.3.exe');
  zip = join(dir, 'extra.zip');
  await writeFile(installer, Buffer.alloc(300_000, 7));
  await writeFile(zip, 'a small second file');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('release keys and signatures', () => {
  it('keygen writes an Ed25519 pair, the private key readable only by its owner, never over a key', async () => {
    const made = await writeSigningKeyPair(join(dir, 'keys'));
    expect((await stat(made.privatePath)).mode & 0o777).toBe(0o600);
    const publicKey = createPublicKey(await readFile(made.publicPath));
    expect(publicKey.asymmetricKeyType).toBe('ed25519');
    // The key id is SHA-256 over the 32 raw public bytes (the SPKI's last 32).
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    expect(made.keyId).toBe(createHash('sha256').update(raw).digest('hex').slice(0, 16));
    expect(keyIdOf(publicKey)).toBe(made.keyId);
    await expect(writeSigningKeyPair(join(dir, 'keys'))).rejects.toThrow(/never overwritten/);
  });

  it('signs the files and version; the server accepts it with the key and nothing else', async () => {
    const keys = join(dir, 'keys');
    const signed = await signRelease({
      keyPath: join(keys, PRIVATE_KEY_FILE),
      version: '1.2.3',
      platform: 'win',
      files: [installer, zip],
    });
    const bytes = await readFile(installer);
    expect(signed.manifest.files[0]).toEqual({
      name: 'Clinical-Workstation-Setup-1.2.3.exe',
      size: 300_000,
      sha512: createHash('sha512').update(bytes).digest('base64'),
    });
    const trusted = await readTrustedKeys([join(keys, PUBLIC_KEY_FILE)]);
    expect(checkSignature(signed, trusted)).toEqual({ ok: true });

    const tamperedSha = structuredClone(signed);
    tamperedSha.manifest.files[0]!.sha512 = createHash('sha512').update('evil').digest('base64');
    expect(checkSignature(tamperedSha, trusted)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
    const otherVersion = structuredClone(signed);
    otherVersion.manifest.version = '9.9.9';
    expect(checkSignature(otherVersion, trusted)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });

    const other = await writeSigningKeyPair(join(dir, 'other'));
    const byOther = await signRelease({
      keyPath: other.privatePath,
      version: '1.2.3',
      platform: 'win',
      files: [installer],
    });
    expect(checkSignature(byOther, trusted)).toMatchObject({ ok: false, reason: 'unknown-key' });
    // A forged key id does not help: the signature is checked with the trusted key.
    expect(checkSignature({ ...byOther, keyId: signed.keyId }, trusted)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
    expect(checkSignature(signed, new Map())).toMatchObject({ ok: false, reason: 'no-keys' });
  });

  it('refuses keys that are not Ed25519 public keys, and files a release cannot name', async () => {
    await writeFile(join(dir, 'not-a-key.pem'), 'hello');
    await expect(readTrustedKeys([join(dir, 'not-a-key.pem')])).rejects.toThrow(/not a PEM key/);
    await expect(readTrustedKeys([join(dir, 'missing.pem')])).rejects.toThrow(/Cannot read/);
    await expect(
      signRelease({
        keyPath: join(dir, 'keys', PUBLIC_KEY_FILE),
        version: '1.2.3',
        platform: 'win',
        files: [installer],
      }),
    ).rejects.toThrow(/not a private key/);
    await writeFile(join(dir, '.hidden'), 'x');
    await expect(
      signRelease({
        keyPath: join(dir, 'keys', PRIVATE_KEY_FILE),
        version: '1.2.3',
        platform: 'win',
        files: [join(dir, '.hidden')],
      }),
    ).rejects.toThrow(/cannot make a release/);
  });

  it('the release command writes release-<platform>.json', async () => {
    const out = join(dir, 'release-linux.json');
    const code = await runReleaseCommand({
      kind: 'release-sign',
      keyPath: join(dir, 'keys', PRIVATE_KEY_FILE),
      version: '2.0.0-rc.1',
      platform: 'linux',
      files: [zip],
      out,
    });
    expect(code).toBe(0);
    const written = JSON.parse(await readFile(out, 'utf8'));
    expect(written.manifest).toMatchObject({ version: '2.0.0-rc.1', platform: 'linux' });
  });
});

describe('the release command line', () => {
  it('reads keygen and sign, and refuses what is missing', () => {
    expect(parseServerCommand(['release', 'keygen', '--out', 'k'])).toEqual({
      kind: 'release-keygen',
      outDir: 'k',
    });
    expect(
      parseServerCommand([
        'release',
        'sign',
        '--key',
        'k.pem',
        '--version',
        '1.2.3',
        '--platform',
        'mac',
        'a.zip',
        'b.dmg',
      ]),
    ).toEqual({
      kind: 'release-sign',
      keyPath: 'k.pem',
      version: '1.2.3',
      platform: 'mac',
      files: ['a.zip', 'b.dmg'],
      out: null,
    });
    for (const argv of [
      ['release'],
      ['release', 'publish'],
      ['release', 'keygen'],
      ['release', 'sign', '--version', '1.2.3', '--platform', 'mac', 'a.zip'],
      ['release', 'sign', '--key', 'k', '--version', 'one', '--platform', 'mac', 'a.zip'],
      ['release', 'sign', '--key', 'k', '--version', '1.2.3', '--platform', 'dos', 'a.zip'],
      ['release', 'sign', '--key', 'k', '--version', '1.2.3', '--platform', 'mac'],
    ]) {
      expect(() => parseServerCommand(argv), argv.join(' ')).toThrow(UsageError);
    }
  });

  it('takes --update-public-key as often as given, for serve only', () => {
    const serve = parseServerCommand([
      '--db',
      'postgres://x@127.0.0.1/db',
      '--port',
      '0',
      '--insecure-http',
      '--update-public-key',
      'a.pem',
      '--update-public-key=b.pem',
    ]);
    expect(serve).toMatchObject({ kind: 'serve', updatePublicKeys: ['a.pem', 'b.pem'] });
    expect(takeUpdatePublicKeys(['--port', '1'])).toEqual({ paths: [], rest: ['--port', '1'] });
    expect(() => parseServerCommand(['--update-public-key'])).toThrow(UsageError);
    expect(() =>
      parseServerCommand(['workstations', '--db', 'postgres://x@h/d', '--update-public-key', 'a']),
    ).toThrow(/not an option of workstations/);
  });
});
