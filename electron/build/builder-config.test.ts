// The installers' configuration, checked the way electron-builder checks it before a build (its
// own validateConfiguration over its JSON schema), plus what IT needs of it. Installers cannot be
// built here (the Electron runtime cannot be downloaded), so this is what keeps the file honest.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, debugLogger: unknown): Promise<void>;
};
const { expandMacro } = require('app-builder-lib/out/util/macroExpander') as {
  expandMacro(pattern: string, arch: string | null, appInfo: object): string;
};
const { resolveFunction } = require('app-builder-lib/out/util/resolve') as {
  // How electron-builder itself loads a hook named in the configuration.
  resolveFunction(type: unknown, path: string, name: string, root: string): Promise<unknown>;
};
const templates = join(dirname(require.resolve('app-builder-lib/package.json')), 'templates/linux');

type Target = string | { target: string };
interface BuilderConfig {
  [key: string]: unknown;
  extraResources: Array<{ from: string; to: string }>;
  afterPack: string;
  afterAllArtifactBuild: string;
  win: { target: Target[]; verifyUpdateCodeSignature: boolean };
  nsis: { perMachine: boolean; oneClick: boolean; deleteAppDataOnUninstall: boolean };
  msi: { perMachine: boolean };
  mac: {
    target: Target[];
    hardenedRuntime: boolean;
    notarize: boolean;
    entitlements: string;
    entitlementsInherit: string;
  };
  linux: { target: Target[] };
  deb: { afterInstall: string; afterRemove: string };
  rpm: { afterInstall: string; afterRemove: string };
  publish: { provider: string; url: string };
}

const configText = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
const load = () => yaml.load(configText) as BuilderConfig;
const config = load();
const silentLogger = { isEnabled: false, add: () => undefined };
const targetNames = (targets: Target[]) =>
  targets.map((t) => (typeof t === 'string' ? t : t.target));
const fromRoot = (path: string) => join(root, path);

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own configuration check', async () => {
    await expect(validateConfiguration(load(), silentLogger)).resolves.toBeUndefined();
  });

  it('is rejected by that check when an option is misplaced or mistyped', async () => {
    // Where electron-builder 25 kept the publisher name: a real mistake, named in the error.
    const misplaced = { ...load(), win: { ...config.win, publisherName: 'Hospital IT' } };
    await expect(validateConfiguration(misplaced, silentLogger)).rejects.toThrow(/win/);
    const mistyped = { ...load(), nsis: { ...config.nsis, perMachine: 'yes' } };
    await expect(validateConfiguration(mistyped, silentLogger)).rejects.toThrow(/perMachine/);
  });

  it('builds NSIS and MSI for Windows, for all users, keeping the data on uninstall', () => {
    expect(targetNames(config.win.target).sort()).toEqual(['msi', 'nsis']);
    expect(config.nsis.perMachine).toBe(true);
    expect(config.nsis.oneClick).toBe(false);
    expect(config.nsis.deleteAppDataOnUninstall).toBe(false);
    expect(config.msi.perMachine).toBe(true);
    expect(config.win.verifyUpdateCodeSignature).toBe(true);
  });

  it('documents the silent install and uninstall switches IT’s tools use', () => {
    expect(configText).toMatch(/Setup X\.Y\.Z\.exe" \/S/);
    expect(configText).toMatch(/Uninstall Clinical Workstation\.exe" \/S/);
    expect(configText).toMatch(/msiexec \/i .* \/qn/);
    expect(configText).toMatch(/msiexec \/x .* \/qn/);
  });

  it('builds a dmg and the zip the updater needs for macOS, hardened and notarised', () => {
    expect(targetNames(config.mac.target).sort()).toEqual(['dmg', 'zip']);
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.notarize).toBe(true);
    for (const file of [config.mac.entitlements, config.mac.entitlementsInherit]) {
      const plist = readFileSync(fromRoot(file), 'utf8');
      expect(plist).toContain('<key>com.apple.security.cs.allow-jit</key>');
      // Hardened runtime, not the App Sandbox, which would cut the serial ports off.
      expect(plist).not.toContain('com.apple.security.app-sandbox');
    }
  });

  it('builds AppImage, deb and rpm for Linux, the deb and rpm installing the udev rules', () => {
    expect(targetNames(config.linux.target).sort()).toEqual(['AppImage', 'deb', 'rpm']);
    expect(config.deb).toEqual(config.rpm);
    expect(config.extraResources).toContainEqual(
      expect.objectContaining({ from: 'resources/linux', to: 'linux' }),
    );
    const install = readFileSync(fromRoot(config.deb.afterInstall), 'utf8');
    const rules = /resources\/linux\/([\w.-]+\.rules)'/.exec(install)?.[1];
    expect(rules).toBeDefined();
    expect(readFileSync(fromRoot(`resources/linux/${rules}`), 'utf8')).toContain('uaccess');
    expect(install).toContain(`/etc/udev/rules.d/${rules}`);
    expect(install).toMatch(/udevadm control --reload-rules/);
    // Which group gets the serial ports where there is no console session.
    expect(install).toMatch(/SERIAL_GROUP=dialout/);
    expect(install).toMatch(/SERIAL_GROUP=uucp/);
    const remove = readFileSync(fromRoot(config.deb.afterRemove), 'utf8');
    expect(remove).toContain(`rm -f '/etc/udev/rules.d/${rules}'`);
    // Only on removal: rpm runs the old %postun with 1 after an upgrade's new %post.
    expect(remove).toMatch(/remove \| purge \| 0\)/);
  });

  it('keeps electron-builder’s own after-install and after-remove steps in our scripts', () => {
    const pairs = [
      [config.deb.afterInstall, 'after-install.tpl'],
      [config.deb.afterRemove, 'after-remove.tpl'],
    ] as const;
    for (const [ours, template] of pairs) {
      const upstream = readFileSync(join(templates, template), 'utf8').replace(/^#!.*\n/, '');
      expect(readFileSync(fromRoot(ours), 'utf8'), `${ours} vs ${template}`).toContain(upstream);
    }
  });

  it('gives the package scripts only macros electron-builder fills in, and valid bash', () => {
    for (const script of [config.deb.afterInstall, config.deb.afterRemove]) {
      const path = fromRoot(script);
      accessSync(path, constants.X_OK);
      const macros = new Set(
        [...readFileSync(path, 'utf8').matchAll(/\$\{([a-zA-Z]+)\}/g)].map((m) => m[1]),
      );
      expect([...macros].sort()).toEqual(['executable', 'sanitizedProductName']);
      const check = spawnSync('bash', ['-n', path], { encoding: 'utf8' });
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);
    }
  });

  it('names hooks electron-builder can load: the fuses after packing, the SBOM after every build', async () => {
    for (const [name, path] of [
      ['afterPack', config.afterPack],
      ['afterAllArtifactBuild', config.afterAllArtifactBuild],
    ] as const) {
      const hook = await resolveFunction(undefined, path, name, root);
      expect(typeof hook, name).toBe('function');
    }
  });

  it('takes the update feed from the environment at build time, and fails without it', () => {
    expect(config.publish.provider).toBe('generic');
    // No address of ours in the repo: each hospital's own central server.
    expect(config.publish.url).toBe('${env.CLINICAL_UPDATE_FEED_URL}');
    const previous = process.env.CLINICAL_UPDATE_FEED_URL;
    try {
      process.env.CLINICAL_UPDATE_FEED_URL = 'https://central.hospital.example/updates/stable';
      expect(expandMacro(config.publish.url, null, {})).toBe(
        'https://central.hospital.example/updates/stable',
      );
      delete process.env.CLINICAL_UPDATE_FEED_URL;
      expect(() => expandMacro(config.publish.url, null, {})).toThrow(
        /CLINICAL_UPDATE_FEED_URL is not defined/,
      );
    } finally {
      if (previous === undefined) delete process.env.CLINICAL_UPDATE_FEED_URL;
      else process.env.CLINICAL_UPDATE_FEED_URL = previous;
    }
  });

  it('holds no credentials: signing and notarisation come from the environment', () => {
    const secretKeys =
      /^(csc(Link|KeyPassword)|certificate(File|Password|Sha1)|password|appleId|appleIdPassword|teamId|apiKey|token|identity)$/i;
    const found: string[] = [];
    const walk = (value: unknown, path: string) => {
      if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${path}[${i}]`));
      else if (value && typeof value === 'object')
        for (const [key, child] of Object.entries(value)) {
          if (secretKeys.test(key)) found.push(`${path}.${key}`);
          walk(child, `${path}.${key}`);
        }
    };
    walk(config, 'config');
    expect(found).toEqual([]);
    expect(configText).not.toMatch(/-----BEGIN|\.p12\b|\.pfx\b|\.p8\b/);
  });
});
