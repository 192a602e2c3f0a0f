import { describe, expect, it } from 'vitest';
import { compareVersions, manifestBytes, ReleaseManifest, SignedRelease } from './release';

const sha = 'A'.repeat(86) + '==';
const manifest: ReleaseManifest = {
  product: 'clinical-workstation',
  version: '3.2.0',
  platform: 'linux',
  files: [
    { name: 'b.AppImage', sha512: sha, size: 10 },
    { name: 'a.deb', sha512: sha, size: 20 },
  ],
  releaseDate: '2026-12-07T00:00:00.000Z',
};

describe('release manifest', () => {
  it('signs the same bytes whatever the order of files and keys', () => {
    const shuffled = {
      releaseDate: manifest.releaseDate,
      files: [...manifest.files]
        .reverse()
        .map((f) => ({ size: f.size, sha512: f.sha512, name: f.name })),
      platform: manifest.platform,
      version: manifest.version,
      product: manifest.product,
    } as ReleaseManifest;
    expect(new TextDecoder().decode(manifestBytes(shuffled))).toBe(
      new TextDecoder().decode(manifestBytes(manifest)),
    );
    expect(new TextDecoder().decode(manifestBytes(manifest))).toMatch(
      /^\{"product":.*"a\.deb".*"b\.AppImage"/,
    );
  });

  it('refuses file names that climb out of the release folder, and unknown keys', () => {
    for (const name of ['../x', 'a/b', '.hidden', 'a..b', '']) {
      const bad = { ...manifest, files: [{ name, sha512: sha, size: 1 }] };
      expect(ReleaseManifest.safeParse(bad).success, name).toBe(false);
    }
    expect(ReleaseManifest.safeParse({ ...manifest, channel: 'stable' }).success).toBe(false);
    expect(
      SignedRelease.safeParse({ manifest, keyId: '0123456789abcdef', signature: sha }).success,
    ).toBe(true);
  });

  it('orders versions by semver precedence', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.2.0',
      '1.10.0',
      '2.0.0',
    ];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        expect(
          Math.sign(compareVersions(ordered[i]!, ordered[j]!)),
          `${ordered[i]} vs ${ordered[j]}`,
        ).toBe(Math.sign(i - j));
      }
    }
    expect(() => compareVersions('3.2', '3.2.0')).toThrow(/not a version: 3.2/);
  });
});
