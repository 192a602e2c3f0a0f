// `workstation serve`: the workstation core with the headless browser shell.
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { homedir } from 'node:os';
import {
  ConfigurationError,
  startWorkstation,
  type Workstation,
  type WorkstationOptions,
} from '../../host/workstation';
import type { Installer } from '../../host/update/update-service';
import { appVersion } from '../../host/sync/enrolment';
import { UpdateChannel } from '../../../shared/update/release';
import { StoreLockedError } from '../../host/store/data-lock';
import { StoreKeyError } from '../../host/store/encryption/data-key';
import { readStartPassphrase } from './store';
import type { RetentionPolicy } from '../../host/store/retention';
import { parseDeviceSpec, type DeviceConfig } from '../../host/devices/device-config';
import { MAX_DEMO_BEDS, admitDemoPatients, startDemo, type Demo } from '../../host/demo';
import { rendererDir } from '../../host/locate';
import { startBrowserShell, type BrowserShell } from '../serve/server';
import { Discovery, probePort } from '../../host/devices/discovery';
import { serialOpener } from '../../host/devices/transports/serial';
import { CliError, numberOption, parseOptions } from '../cli-error';
import { testClock } from '../../host/alarms/alarm-clock';
import { tokenWeakness } from '../serve/auth';

export function defaultDataDir(): string {
  const base = process.env.XDG_DATA_HOME ?? resolve(homedir(), '.local', 'share');
  return resolve(base, 'clinical-workstation');
}

function parseDeviceOption(value: string): DeviceConfig {
  const parsed = parseDeviceSpec(value);
  if (typeof parsed === 'string') throw new CliError(parsed);
  return parsed;
}

/** `--demo` alone is one bed; `--demo N` (or `--demo=N`) is N beds. */
export function demoBedsOption(args: readonly string[]): { beds: number; rest: string[] } {
  const rest: string[] = [];
  let beds = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const inline = /^--demo=(.*)$/.exec(arg);
    if (arg !== '--demo' && !inline) {
      rest.push(arg);
      continue;
    }
    const next = args[i + 1];
    const value = inline ? inline[1]! : next !== undefined && /^\d+$/.test(next) ? next : null;
    if (!inline && value !== null) i++;
    beds = value === null ? 1 : Number(value);
    if (!Number.isInteger(beds) || beds < 1 || beds > MAX_DEMO_BEDS) {
      throw new CliError(
        `--demo takes a number of beds from 1 to ${MAX_DEMO_BEDS}, got "${value}".`,
      );
    }
  }
  return { beds, rest };
}

/**
 * The updater in the browser shell: it reads the feed, checks and downloads as the desktop app
 * does and shows it on the status line, but cannot run an installer (no Electron): it says so.
 */
const browserShellInstaller: Installer = {
  install: async () => {
    throw new Error(
      'the browser shell cannot install updates: the checked file is kept in the data folder for the desktop app or IT’s tools',
    );
  },
};

function updateOption(options: {
  'update-keys'?: string;
  'update-channel'?: string;
  'update-check-s'?: string;
}): WorkstationOptions['update'] | null {
  if (options['update-keys'] === undefined) {
    if (options['update-channel'] !== undefined || options['update-check-s'] !== undefined)
      throw new CliError('--update-channel and --update-check-s need --update-keys DIR.');
    return null;
  }
  const channel = UpdateChannel.safeParse(options['update-channel'] ?? 'stable');
  if (!channel.success)
    throw new CliError(`--update-channel is stable or pilot, got "${options['update-channel']}".`);
  const checkS = numberOption('update-check-s', options['update-check-s'], 10);
  if (!(checkS >= 1 && checkS <= 86_400))
    throw new CliError(`--update-check-s must be 1–86400 seconds, got ${checkS}.`);
  return {
    installer: browserShellInstaller,
    runningVersion: appVersion(),
    channel: channel.data,
    keysDir: resolve(options['update-keys']),
    checkEveryMs: checkS * 1000,
    evaluateEveryMs: Math.min(5_000, checkS * 1000),
  };
}

export async function runServe(allArgs: string[]): Promise<number> {
  const { beds: demoBeds, rest: args } = demoBedsOption(allArgs);
  const options = parseOptions(args, {
    port: { type: 'string' },
    data: { type: 'string' },
    device: { type: 'string', multiple: true },
    'keep-waveforms-hours': { type: 'string' },
    'keep-trends-days': { type: 'string' },
    auto: { type: 'boolean' },
    token: { type: 'string' },
    'script-token': { type: 'string' },
    'allow-port': { type: 'string', multiple: true },
    'test-clock': { type: 'boolean' },
    'update-keys': { type: 'string' },
    'update-channel': { type: 'string' },
    'update-check-s': { type: 'string' },
    'idle-lock-min': { type: 'string' },
    'passphrase-stdin': { type: 'boolean' },
  });
  const update = updateOption(options);
  const idleLockMin = numberOption('idle-lock-min', options['idle-lock-min'], 5);
  if (!(idleLockMin >= 1 && idleLockMin <= 240))
    throw new CliError(`--idle-lock-min must be 1–240 minutes, got ${idleLockMin}.`);
  const port = numberOption('port', options.port, 4318);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port must be 0–65535, got ${port}.`);
  const token = tokenOption(options.token);
  const scriptToken = tokenOption(options['script-token'], '--script-token');
  if (scriptToken === token)
    throw new CliError(
      '--script-token must differ from --token: the page’s token is seen in its address bar.',
    );
  const allowPorts = allowPortOption(options['allow-port'] ?? []);
  const devices = (options.device ?? []).map(parseDeviceOption);

  let demo: Demo | null = null;
  let workstation: Workstation | null = null;
  let shell: BrowserShell | null = null;
  let discovery: Discovery | null = null;
  const stopAll = async () => {
    discovery?.stop();
    try {
      await shell?.close();
      await workstation?.stop();
    } finally {
      // The demo's simulators stop whatever happened above: their timers would keep us running.
      await demo?.stop();
    }
  };
  try {
    if (demoBeds > 0) {
      demo = await startDemo(demoBeds);
      devices.push(...demo.beds.flatMap((bed) => bed.devices));
    }
    if (devices.length === 0) {
      console.log(
        'No devices given: add --device healthypi5:/dev/ttyACM0, or --demo [N] for N simulated beds.',
      );
    }
    const dataDir = resolve(options.data ?? defaultDataDir());
    // The data key that seals patients' details, opened with a passphrase instead of the key file.
    const passphrase = options['passphrase-stdin'] ? await readStartPassphrase(dataDir) : undefined;
    workstation = await startWorkstation({
      ...(passphrase !== undefined ? { passphrase } : {}),
      dataDir,
      devices,
      retention: retentionOptions(options),
      ...(demo ? { openHid: demo.openHid } : {}),
      // Paths besides the listed serial ports that a device may be connected on from the screen.
      allowPorts,
      // For end-to-end tests only: the api may move the alarm clock forward (and says so).
      ...(options['test-clock'] ? { alarmClock: testClock() } : {}),
      ...(update ? { update } : {}),
      idleLockMs: idleLockMin * 60_000,
    });
    if (options['test-clock']) {
      console.log('Test clock: the alarm clock can be moved forward through the api.');
    }
    const access = workstation.access;
    const exports = workstation.exports;
    shell = await startBrowserShell({
      router: workstation.router,
      rendererDir: rendererDir(),
      port,
      token,
      openScreen: (kind, label) => access.openScreen(kind, label),
      scriptToken,
      exportDownload: (ticket) => exports.openDownload(ticket),
    });
    keepScriptToken(dataDir, scriptToken);
  } catch (error) {
    await stopAll();
    throw startupError(error, port);
  }
  if (demo) await admitDemoPatients(workstation, demo, console.log);
  for (const notice of workstation.store.notices) console.log(`Data store: ${notice}`);
  console.log(`Workstation ready at ${shell.url}`);
  console.log(
    `Scripts: send "Authorization: Bearer <token>" with the token in ${join(resolve(options.data ?? defaultDataDir()), SCRIPT_TOKEN_FILE)} (this start's; readable by its owner only).`,
  );
  if (options.auto) discovery = startDiscovery(workstation);

  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log('Stopping: closing devices and the data store…');
  // Every part bounds its own stop; this is the guard for the class. What was acknowledged is in
  // the journal (fsync'd every 500 ms), so a stop cut short loses nothing the next start replays.
  let deadline: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([
    stopAll().then(() => true),
    new Promise<false>((resolve) => (deadline = setTimeout(resolve, STOP_WITHIN_MS, false))),
  ]);
  clearTimeout(deadline);
  if (!stopped) {
    console.error(
      `The workstation did not stop within ${STOP_WITHIN_MS / 1000} s: exiting anyway. The journal ` +
        'holds the last data; the next start replays it.',
    );
    process.exit(1);
  }
  return 0;
}

/** Longer than any part's own bound (the store's close waits at most 15 s). */
const STOP_WITHIN_MS = 30_000;

/** --token as given (refused when weak), or a random one of 144 bits. */
export function tokenOption(given: string | undefined, flag = '--token'): string {
  if (given === undefined) return randomBytes(18).toString('base64url');
  const weakness = tokenWeakness(given);
  if (weakness) throw new CliError(weakness.replaceAll('--token', flag));
  return given;
}

/** The scripts' token, for scripts on this machine run by the data folder's owner. */
export const SCRIPT_TOKEN_FILE = 'script-token';

function keepScriptToken(dataDir: string, scriptToken: string): void {
  const path = join(dataDir, SCRIPT_TOKEN_FILE);
  rmSync(path, { force: true }); // made anew, so that its mode is ours whatever was there
  writeFileSync(path, `${scriptToken}\n`, { mode: 0o600, flag: 'wx' });
}

/** --allow-port PATH_OR_GLOB: absolute, so that it means the same whatever the working folder. */
export function allowPortOption(values: readonly string[]): string[] {
  for (const value of values) {
    if (!value.startsWith('/')) {
      throw new CliError(
        `--allow-port takes the full path of a port or a glob such as /dev/pts/*, got "${value}".`,
      );
    }
  }
  return [...values];
}

/** --keep-waveforms-hours (default 72) and --keep-trends-days (default 30, also events). */
function retentionOptions(options: {
  'keep-waveforms-hours'?: string;
  'keep-trends-days'?: string;
}): Partial<RetentionPolicy> {
  const hours = numberOption('keep-waveforms-hours', options['keep-waveforms-hours'], 72);
  const days = numberOption('keep-trends-days', options['keep-trends-days'], 30);
  if (!(hours >= 1) || !(days >= 1)) {
    throw new CliError('--keep-waveforms-hours and --keep-trends-days must be at least 1.');
  }
  return {
    waveformsMs: hours * 3_600_000,
    trendsMs: days * 86_400_000,
    eventsMs: days * 86_400_000,
  };
}

/** Connects devices as they are plugged in, each to a bed of its own. */
function startDiscovery(workstation: Workstation): Discovery {
  const inUse = (path: string) =>
    [...workstation.sessions.values()].some((s) => s.status().path === path);
  return new Discovery({
    inUse,
    probe: (path, candidates) =>
      probePort(path, candidates, { open: (driver) => serialOpener(driver.descriptor.serial!) }),
    onFound: (driver, port) => {
      if (inUse(port.path)) return;
      const id = workstation.addDevice({ driver: driver.descriptor.id, path: port.path });
      console.log(`Found ${driver.descriptor.displayName} on ${port.path}: connected as ${id}.`);
    },
    onHidFound: (device) =>
      console.log(
        `Found ${device.product ?? device.driver} on USB: download its readings from the bed's Devices panel.`,
      ),
    onUnrecognised: (port, candidates) =>
      console.log(
        `No recognisable frames from ${port.path} (tried ${candidates.map((d) => d.descriptor.id).join(', ')}): is the device switched on and in its data mode?`,
      ),
  });
}

/** Mistakes a person can fix become one clear line; anything else keeps its stack for the log. */
function startupError(error: unknown, port: number): unknown {
  if (
    error instanceof ConfigurationError ||
    error instanceof StoreLockedError ||
    error instanceof StoreKeyError
  ) {
    return new CliError(error.message);
  }
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    return new CliError(
      `Port ${port} is already in use: choose another with --port, or --port 0 for any free port.`,
    );
  }
  return error;
}
