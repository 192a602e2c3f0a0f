// Whether a signed release verifies against the keys IT configured: the signature over the
// manifest's fixed bytes, by a key the server trusts. Nothing is stored or served otherwise.
import { verify } from 'node:crypto';
import { manifestBytes } from '../../shared/update/release';
import type { SignedRelease } from '../../shared/update/release';
import type { TrustedKeys } from './signing-keys';

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'no-keys' | 'unknown-key' | 'bad-signature'; message: string };

export function checkSignature(release: SignedRelease, keys: TrustedKeys): SignatureCheck {
  if (keys.size === 0) {
    return {
      ok: false,
      reason: 'no-keys',
      message:
        'This central server has no update public key, so it cannot check a release’s signature ' +
        'and publishes none. Start it with --update-public-key FILE (the .pub.pem that ' +
        '`server release keygen` wrote).',
    };
  }
  const key = keys.get(release.keyId);
  if (!key) {
    return {
      ok: false,
      reason: 'unknown-key',
      message:
        `This release is signed with key ${release.keyId}, which this central server does not ` +
        `trust (it trusts ${[...keys.keys()].join(', ')}). Sign it with IT's release key, or ` +
        'start the server with that key’s public half (--update-public-key).',
    };
  }
  const good = verify(
    null,
    manifestBytes(release.manifest),
    key,
    Buffer.from(release.signature, 'base64'),
  );
  return good
    ? { ok: true }
    : {
        ok: false,
        reason: 'bad-signature',
        message:
          `The signature of ${release.manifest.version} (${release.manifest.platform}) does not ` +
          `verify with key ${release.keyId}: the release was changed after signing, or signed ` +
          'with another key. Sign it again with `server release sign`.',
      };
}
