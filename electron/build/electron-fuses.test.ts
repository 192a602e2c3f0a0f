// The fuses the packaged app ships with. Only the pure part is checked here: which fuse gets which
// value. Flipping them needs the Electron binary (its fuse wire), which cannot be downloaded in
// this build environment; electron-builder's packager, which finds that binary, is a stand-in below.
import { createRequire } from 'node:module';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { describe, expect, it } from 'vitest';

interface FuseHook {
  desktopFuses(target: { platform: string; arch: string }): Record<string, unknown>;
  afterPack(context: unknown): Promise<void>;
}
const hook = createRequire(import.meta.url)('./electron-fuses.cjs') as FuseHook;

const linux = hook.desktopFuses({ platform: 'linux', arch: 'x64' });

describe('the packaged app’s Electron fuses', () => {
  it('turns off every way to run other code in the signed binary', () => {
    expect(linux[FuseV1Options.RunAsNode]).toBe(false);
    expect(linux[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(linux[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(linux[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBe(false);
  });

  it('loads the app only from a checked app.asar, and encrypts cookies', () => {
    expect(linux[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(linux[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(linux[FuseV1Options.EnableCookieEncryption]).toBe(true);
  });

  it('keeps file:// privileges, because the window loads the renderer from file://', () => {
    expect(linux[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(true);
  });

  it('names every fuse @electron/fuses knows, as a boolean, on every platform', () => {
    const fuseIndexes = Object.values(FuseV1Options).filter((v) => typeof v === 'number');
    expect(fuseIndexes).toHaveLength(8);
    for (const platform of ['linux', 'win32', 'darwin', 'mas']) {
      for (const arch of ['x64', 'arm64', 'ia32', 'universal']) {
        const fuses = hook.desktopFuses({ platform, arch });
        expect(fuses.version).toBe(FuseVersion.V1);
        for (const index of fuseIndexes)
          expect(typeof fuses[index], `fuse ${index}`).toBe('boolean');
        // The same policy everywhere; only the macOS signature handling differs.
        const { resetAdHocDarwinSignature: _reset, ...policy } = fuses;
        const { resetAdHocDarwinSignature: _linuxReset, ...linuxPolicy } = linux;
        expect(policy).toEqual(linuxPolicy);
      }
    }
  });

  it('re-signs ad hoc only an Apple-silicon macOS build, whose flipped binary would not start', () => {
    expect(hook.desktopFuses({ platform: 'darwin', arch: 'arm64' }).resetAdHocDarwinSignature).toBe(
      true,
    );
    expect(
      hook.desktopFuses({ platform: 'darwin', arch: 'universal' }).resetAdHocDarwinSignature,
    ).toBe(true);
    expect(hook.desktopFuses({ platform: 'darwin', arch: 'x64' }).resetAdHocDarwinSignature).toBe(
      false,
    );
    expect(hook.desktopFuses({ platform: 'win32', arch: 'arm64' }).resetAdHocDarwinSignature).toBe(
      false,
    );
  });

  it('hands the fuses to electron-builder’s packager for the platform being packed', async () => {
    const flipped: unknown[] = [];
    const context = {
      electronPlatformName: 'darwin',
      arch: 3, // builder-util's Arch.arm64
      appOutDir: '/tmp/dist/mac-arm64',
      packager: {
        addElectronFuses: async (ctx: unknown, fuses: unknown) => void flipped.push([ctx, fuses]),
      },
    };
    await hook.afterPack(context);
    expect(flipped).toEqual([[context, hook.desktopFuses({ platform: 'darwin', arch: 'arm64' })]]);
  });
});
