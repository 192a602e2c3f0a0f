// electron-builder's afterPack hook: flips the packaged Electron binary's fuses, the features
// that stay off whatever environment variable or argument the app is started with. It runs
// before signing, so the signature then covers the flipped bits. CommonJS: electron-builder
// loads it with plain Node at package time.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS hook for plain Node
const { FuseV1Options, FuseVersion } = require('@electron/fuses');

/** builder-util's Arch enum (context.arch is its number). */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/**
 * Every fuse @electron/fuses 1.8 (electron-builder's) knows, each with the value the workstation
 * ships with. A newer Electron's wire may be longer (WasmTrapHandlers): a fuse not named here keeps
 * Electron's default, so the flip is not `strictlyRequireAllFuses`, which would refuse the build.
 */
function desktopFuses({ platform, arch }) {
  return {
    version: FuseVersion.V1,
    // Flipping bits breaks an ad-hoc signature; Apple silicon will not start such a binary.
    resetAdHocDarwinSignature:
      (platform === 'darwin' || platform === 'mas') && (arch === 'arm64' || arch === 'universal'),
    // ELECTRON_RUN_AS_NODE would turn the signed app into a plain Node for anyone's script.
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    // --inspect and friends would let a local user attach a debugger to the process that holds
    // the patient data.
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    // macOS and Windows check app.asar against the hash electron-builder embeds; Linux ignores it.
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    // Without it, an `app` folder placed beside app.asar would be loaded instead, unchecked.
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
    // The window loads the renderer from file:// (its module scripts and assets); turning this
    // off first needs the renderer served from a custom app:// protocol.
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: true,
  };
}

/** The hook: electron-builder's own packager finds the executable for the platform and flips. */
async function afterPack(context) {
  const fuses = desktopFuses({
    platform: context.electronPlatformName,
    arch: ARCH_NAMES[context.arch] ?? String(context.arch),
  });
  await context.packager.addElectronFuses(context, fuses);
}

module.exports = { afterPack, desktopFuses };
