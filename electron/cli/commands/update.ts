// `workstation update --from FILE`: the offline clinic's update, from a release bundle brought on a
// USB stick (a folder, or a .tar of it, holding release-<platform>.json and its files). It is
// checked as a downloaded update is (our Ed25519 signature, the platform, newer than what runs,
// each byte against its signed sha512) and copied into <data>/updates/. This command cannot run
// the installer itself (that is the desktop app's electron-updater): its Installer stages the
// checked file, and the desktop app installs it under the same rule as any update: when it quits
// with no bed monitored, in IT's maintenance window, or when a signed-in user chooses Install now.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findUp } from '../../host/locate';
import { openStore } from '../../host/store/client';
import { StoreLockedError } from '../../host/store/data-lock';
import { BundleError, stageBundle } from '../../host/update/bundle';
import { UPDATES_FOLDER } from '../../host/update/download';
import { decideUpdate, NO_SIGNING_KEY, type MonitoredBed } from '../../host/update/policy';
import { loadTrustedKeys, ReleaseRefusedError } from '../../host/update/signature';
import { updateKeysDir } from '../../host/update/update-keys';
import { thisPlatform, type Installer } from '../../host/update/update-service';
import { SEMVER, type UpdatePlatform } from '../../../shared/update/release';
import { CliError, parseOptions } from '../cli-error';
import { cliStoreOptions } from '../cli-store';
import { storePassphrase, type SecretInput } from '../secret-reader';
import { defaultDataDir } from './serve';

/** Null: a workstation is running on the data directory (its store is locked). */
export type ReadMonitoredBeds = (
  dataDir: string,
  passphrase?: string,
) => Promise<MonitoredBed[] | null>;

export interface UpdateCommandDeps extends SecretInput {
  readMonitoredBeds?: ReadMonitoredBeds;
  out?: (line: string) => void;
  platform?: UpdatePlatform;
}

function installedVersion(): string {
  const root = findUp('package.json');
  const version = root
    ? (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version
    : undefined;
  if (!version || !SEMVER.test(version)) {
    throw new CliError('The running version is not known here: give --running-version X.Y.Z.');
  }
  return version;
}

/** The beds with a patient admitted, from the store (nothing else is monitored while it is off). */
const bedsFromStore: ReadMonitoredBeds = async (dataDir, passphrase) => {
  let store;
  try {
    store = await openStore(cliStoreOptions(dataDir, passphrase));
  } catch (error) {
    if (error instanceof StoreLockedError) return null;
    // The release is staged; what is missing is which beds are monitored, so nothing installs.
    throw new CliError(
      `The release is kept, but the beds in ${dataDir} could not be read, so it is not marked for installing: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    const places = await store.readCurrentAdmissions();
    return places
      .filter((place) => place.bedId !== null)
      .map((place) => ({
        bedId: place.bedId!,
        label: place.bedLabel ?? place.bedId!,
        patient: `${place.patient.familyName}, ${place.patient.givenName} (MRN ${place.patient.mrn})`,
        devices: 0,
      }));
  } finally {
    await store.close();
  }
};

export async function runUpdate(args: string[], deps: UpdateCommandDeps = {}): Promise<number> {
  const out = deps.out ?? ((line: string) => console.log(line));
  const options = parseOptions(args, {
    from: { type: 'string' },
    data: { type: 'string' },
    keys: { type: 'string' },
    'running-version': { type: 'string' },
    'passphrase-stdin': { type: 'boolean' },
  });
  if (!options.from) {
    throw new CliError(
      '--from is required: the release folder or .tar brought for this workstation.',
    );
  }
  const passphrase = await storePassphrase(options['passphrase-stdin'], deps);
  const runningVersion = options['running-version'] ?? installedVersion();
  if (!SEMVER.test(runningVersion))
    throw new CliError(`--running-version "${runningVersion}" is not X.Y.Z.`);
  const dataDir = resolve(options.data ?? defaultDataDir());
  const keysDir = options.keys !== undefined ? resolve(options.keys) : updateKeysDir();
  const { keys, problems } = keysDir ? loadTrustedKeys(keysDir) : { keys: [], problems: [] };
  for (const problem of problems) out(`Not a key, ignored: ${problem}`);
  if (keys.length === 0) {
    console.error(
      `workstation: nothing installed: ${NO_SIGNING_KEY} (looked in ${keysDir ?? 'no folder'}).`,
    );
    return 1;
  }
  const platform = deps.platform ?? thisPlatform();
  const updatesFolder = join(dataDir, UPDATES_FOLDER);
  let staged;
  try {
    staged = await stageBundle(
      resolve(options.from),
      { keys, platform, runningVersion },
      updatesFolder,
    );
  } catch (error) {
    if (error instanceof ReleaseRefusedError || error instanceof BundleError) {
      console.error(`workstation: refused, nothing installed: ${error.message}.`);
      return 1;
    }
    throw error;
  }
  const version = staged.release.manifest.version;
  out(
    `Release ${version} checked: signed with key ${staged.release.keyId}, ${staged.file.name} matches its signed sha512 and size.`,
  );

  const beds = await (deps.readMonitoredBeds ?? bedsFromStore)(dataDir, passphrase);
  if (beds === null) {
    out(
      `The workstation is running on ${dataDir}: it takes this update as its own and installs it when no bed is monitored (at its next quit or in IT's maintenance window), or when a signed-in user chooses Install now after seeing the monitored beds.`,
    );
    return 0;
  }
  const decision = decideUpdate({
    runningVersion,
    channel: 'stable',
    offer: { version, channel: 'stable', rolloutPercent: 100, minimumVersion: null },
    stagingBucket: 0,
    download: { kind: 'ready' },
    monitoredBeds: beds,
    windows: [],
    now: { weekday: 0, minute: 0 },
    signingKey: true,
    installNow: null,
    quitting: true,
  });
  if (decision.install !== 'now') {
    out('Beds with a patient admitted (monitored once the workstation starts):');
    for (const bed of beds) out(`  ${bed.label}: ${bed.patient ?? `${bed.devices} device(s)`}`);
    out(
      `${decision.status}. It is kept at ${staged.path}; a signed-in user can choose Install now on the workstation after seeing these beds listed.`,
    );
    return 0;
  }
  await stagingInstaller(out).install(staged.path);
  return 0;
}

/** The CLI's Installer: without Electron it can only say where the checked file waits. */
function stagingInstaller(out: (line: string) => void): Installer {
  return {
    install(file) {
      out(
        `Staged at ${file}. This command cannot run the installer itself: the desktop app installs it when it next quits with no bed monitored (start it and quit it once to install now).`,
      );
      return Promise.resolve();
    },
  };
}
