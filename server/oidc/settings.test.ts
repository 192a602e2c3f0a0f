// The OpenID Connect flags of `npm run server`: taken out of the command line whole, checked, and
// the client secret read from its file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../cli/args';
import { readOidcSettings, takeOidcFlags } from './settings';

const BASE = ['--db', 'postgres://u@h/d', '--port', '8443'];

describe('the OpenID Connect flags', () => {
  it('are none unless given, and leave the rest of the command line as it was', () => {
    expect(takeOidcFlags(BASE)).toEqual({ flags: null, publicUrl: null, rest: BASE });
  });

  it('take --public-url alone too (telehealth links without the hospital sign-in)', () => {
    expect(takeOidcFlags([...BASE, '--public-url', 'https://central.example:8443/'])).toEqual({
      flags: null,
      publicUrl: 'https://central.example:8443',
      rest: BASE,
    });
    expect(() => takeOidcFlags([...BASE, '--public-url', 'http://central.example'])).toThrow(
      /must be an https address/,
    );
  });

  it('are taken out whole, in either spelling', () => {
    const taken = takeOidcFlags([
      ...BASE,
      '--oidc-issuer',
      'https://login.hospital.example/realms/staff',
      '--oidc-client-id=central-server',
      '--oidc-client-secret-file',
      '/etc/central/oidc-secret',
      '--public-url',
      'https://central.hospital.example:8443/',
    ]);
    expect(taken).toEqual({
      flags: {
        issuerUrl: 'https://login.hospital.example/realms/staff',
        clientId: 'central-server',
        clientSecretFile: '/etc/central/oidc-secret',
        publicUrl: 'https://central.hospital.example:8443',
      },
      publicUrl: 'https://central.hospital.example:8443',
      rest: BASE,
    });
  });

  it('refuse half a setting, plain http off this computer, and a flag without its value', () => {
    expect(() => takeOidcFlags(['--oidc-issuer', 'https://login.example'])).toThrow(
      /--oidc-client-id and --oidc-client-secret-file are missing/,
    );
    const all = ['--oidc-client-id', 'c', '--oidc-client-secret-file', 'f'];
    expect(() => takeOidcFlags(['--oidc-issuer', 'http://login.example', ...all])).toThrow(
      /must be an https address/,
    );
    expect(() => takeOidcFlags(['--oidc-issuer', 'http://127.0.0.1:9000', ...all])).not.toThrow();
    expect(() => takeOidcFlags([...all, '--oidc-issuer'])).toThrow(UsageError);
    expect(() =>
      takeOidcFlags([...all, '--oidc-issuer', 'https://a.example', '--public-url', 'nope']),
    ).toThrow(/--public-url "nope" is not an address/);
  });

  it('read the secret from the first line of its file, and say which file is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oidc-settings-'));
    writeFileSync(join(dir, 'secret'), '  s3cret-value  \nnext line\n');
    writeFileSync(join(dir, 'empty'), '\n');
    const flags = { issuerUrl: 'https://i.example', clientId: 'c', publicUrl: null };
    await expect(
      readOidcSettings({ ...flags, clientSecretFile: join(dir, 'secret') }),
    ).resolves.toMatchObject({ clientSecret: 's3cret-value' });
    await expect(
      readOidcSettings({ ...flags, clientSecretFile: join(dir, 'empty') }),
    ).rejects.toThrow(/is empty/);
    await expect(
      readOidcSettings({ ...flags, clientSecretFile: join(dir, 'none') }),
    ).rejects.toThrow(/Cannot read the OpenID Connect client secret file/);
  });
});
