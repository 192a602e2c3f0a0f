// The feed file electron-updater's generic provider reads (latest.yml, latest-mac.yml,
// latest-linux.yml) for a release, with our FeedSettings beside its keys. Pure.
import type { FeedSettings, ReleaseManifest, UpdatePlatform } from '../../shared/update/release';

/** The file the updater installs, by platform: the NSIS installer, the mac zip, the AppImage. */
const MAIN_FILE: Record<UpdatePlatform, RegExp> = {
  win: /\.exe$/i,
  mac: /\.zip$/i,
  linux: /\.AppImage$/,
};

/** The files' addresses are relative to the feed file's: /updates/<channel>/<file>. */
export function feedFileUrl(name: string): string {
  return encodeURIComponent(name);
}

export function mainFileOf(manifest: ReleaseManifest) {
  return (
    manifest.files.find((f) => MAIN_FILE[manifest.platform].test(f.name)) ?? manifest.files[0]!
  );
}

export function feedFileText(manifest: ReleaseManifest, settings: FeedSettings): string {
  const main = mainFileOf(manifest);
  // JSON strings are YAML double-quoted scalars: no value can break out of its line.
  const q = (value: string) => JSON.stringify(value);
  const lines = [
    `version: ${q(manifest.version)}`,
    'files:',
    ...manifest.files.flatMap((file) => [
      `  - url: ${q(feedFileUrl(file.name))}`,
      `    sha512: ${q(file.sha512)}`,
      `    size: ${file.size}`,
    ]),
    `path: ${q(feedFileUrl(main.name))}`,
    `sha512: ${q(main.sha512)}`,
    `releaseDate: ${q(manifest.releaseDate)}`,
    `rolloutPercent: ${settings.rolloutPercent}`,
    `minimumVersion: ${settings.minimumVersion === null ? 'null' : q(settings.minimumVersion)}`,
    // A JSON array of strings is a YAML flow sequence.
    `maintenanceWindows: ${JSON.stringify(settings.maintenanceWindows ?? [])}`,
  ];
  return `${lines.join('\n')}\n`;
}
