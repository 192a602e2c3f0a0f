// What the workstation keeps in its data directory besides the store: its own id, stamped on
// every row it makes, and the devices assigned to beds from the screen.
import { existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { uuidv7 } from '../../shared/ids';
import type { DeviceConfig } from './devices/device-config';
import { makePrivateDir, makeTreePrivate, writeFileDurably } from './store/private-files';

export const ASSIGNMENTS_FILE = 'devices.json';

/** Devices assigned to beds from the UI, kept as `{ "devices": [DeviceConfig…] }`. */
export class Assignments {
  constructor(
    private readonly file: string,
    private readonly log: (message: string) => void,
  ) {}

  list(): DeviceConfig[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    try {
      const parsed = JSON.parse(text) as { devices?: unknown };
      if (!Array.isArray(parsed.devices)) throw new Error('it has no "devices" list');
      return parsed.devices.filter(isDeviceConfig);
    } catch (error) {
      // Keep the unreadable file for whoever investigates; start with no remembered devices.
      const kept = `${this.file}.unreadable-${Date.now()}`;
      renameSync(this.file, kept);
      this.log(
        `The saved device assignments could not be read (${(error as Error).message}); kept as` +
          ` ${kept}. Assign the devices to their beds again.`,
      );
      return [];
    }
  }

  add(config: DeviceConfig): void {
    this.save([...this.list().filter((c) => c.path !== config.path), config]);
  }

  remove(config: DeviceConfig): void {
    const saved = this.list();
    const kept = saved.filter((c) => c.path !== config.path);
    if (kept.length !== saved.length) this.save(kept);
  }

  private save(devices: DeviceConfig[]): void {
    writeFileDurably(this.file, JSON.stringify({ devices }, null, 2) + '\n');
  }
}

function isDeviceConfig(value: unknown): value is DeviceConfig {
  if (typeof value !== 'object' || value === null) return false;
  const { driver, path, bed } = value as Record<string, unknown>;
  return (
    typeof driver === 'string' &&
    typeof path === 'string' &&
    (bed === undefined || typeof bed === 'string')
  );
}

/** The data directory's owner could not make it private; the message says what to do. */
export class DataDirError extends Error {
  override readonly name = 'DataDirError';
}

export interface OpenedDataDir {
  /** The id stamped on every row this workstation makes. */
  workstationId: string;
  /** What a person must know (an identity file damaged or missing); shown with the store's. */
  notices: string[];
}

const IDENTITY_FILE = 'workstation.json';
/** A second copy of the identity, so that one damaged file never changes who this is. */
const IDENTITY_COPY = 'workstation.json.copy';

/**
 * Opens the workstation's data directory: made (or made again) private to this user, folders
 * 0700 and files 0600 whatever the umask, and its identity read, or restored from its copy; a
 * new identity is made only on a first start, or said in a notice.
 */
export function openDataDir(dataDir: string, log: (message: string) => void): OpenedDataDir {
  makeDataDirPrivate(dataDir, log);
  const notices: string[] = [];
  const id = readIdentity(dataDir, notices, log);
  return { workstationId: id, notices };
}

/** The workstation its store was made for, as the store's marker names it (store/worker.ts). */
function storeIdentity(dataDir: string): string | null {
  try {
    const marker = JSON.parse(readFileSync(join(dataDir, 'pgdata.created'), 'utf8')) as {
      workstationId?: unknown;
    };
    return typeof marker.workstationId === 'string' && marker.workstationId.length > 0
      ? marker.workstationId
      : null;
  } catch {
    return null; // none, or written before markers named their workstation
  }
}

function makeDataDirPrivate(dataDir: string, log: (message: string) => void): void {
  let mode: number | null = null;
  try {
    mode = statSync(dataDir).mode & 0o777;
    // An empty folder just made (by a shell's umask) held nothing yet to expose.
    const inUse = readdirSync(dataDir).length > 0;
    const fixed = makeTreePrivate(dataDir); // the folder itself included
    // Inside a private folder, PGlite's 0666 files were out of reach: mended without a word.
    if ((mode & 0o077) !== 0 && inUse) {
      log(
        `${dataDir} (mode ${mode.toString(8)}) held ${fixed} files or folders other users of this` +
          ' computer could open: all are now private to this user (folders 0700, files 0600).',
      );
    }
  } catch (error) {
    if (mode === null && (error as NodeJS.ErrnoException).code === 'ENOENT') {
      makePrivateDir(dataDir); // a first start: made private from the outset
      return;
    }
    throw new DataDirError(
      `${dataDir} holds patients' data but cannot be made private to this user` +
        ` (${(error as Error).message}). Run "chmod -R go-rwx ${dataDir}" as its owner (or` +
        ' choose another --data folder), then start again.',
      { cause: error },
    );
  }
}

function idIn(file: string): string | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { id?: unknown };
    return typeof parsed.id === 'string' && parsed.id.length > 0 ? parsed.id : null;
  } catch {
    return null;
  }
}

function readIdentity(dataDir: string, notices: string[], log: (message: string) => void): string {
  const file = join(dataDir, IDENTITY_FILE);
  const copy = join(dataDir, IDENTITY_COPY);
  const write = (id: string) => {
    for (const path of [file, copy]) writeFileDurably(path, JSON.stringify({ id }, null, 2) + '\n');
  };
  const id = idIn(file);
  const copied = idIn(copy);
  if (id !== null) {
    if (copied !== id) write(id); // the copy is made (first start of this version) or mended
    return id;
  }
  let keptAs: string | null = null;
  if (existsSync(file)) {
    keptAs = `${file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(file, keptAs);
  }
  const what = keptAs
    ? `The workstation's identity file was damaged (kept as ${keptAs})`
    : `The workstation's identity file ${file} was missing`;
  if (copied !== null) {
    write(copied);
    notices.push(`${what}; it was restored from its copy: this is still workstation ${copied}.`);
    return copied;
  }
  const stored = storeIdentity(dataDir);
  if (stored !== null) {
    write(stored);
    const restored = `it was restored from the data store, which names it: this is still workstation ${stored}.`;
    // Only a damaged file is news to a person; a missing one (a store made by a tool) is logged.
    if (keptAs !== null) notices.push(`${what}; ${restored}`);
    else log(`${what}; ${restored}`);
    return stored;
  }
  const made = uuidv7();
  write(made);
  // A store with data and no identity is not a first start: the new id must be said.
  if (keptAs !== null || existsSync(join(dataDir, 'pgdata'))) {
    notices.push(
      `${what} and it had no copy: this workstation now stores its data as a new workstation` +
        ` (${made}), so the central server will take it for another one. Call support to put` +
        ' the old identity back before it syncs.',
    );
  }
  return made;
}

/** The id stamped on every row this workstation makes (the CLI's own commands: notices printed). */
export function workstationId(dataDir: string): string {
  const opened = openDataDir(dataDir, (message) => console.error(message));
  for (const notice of opened.notices) console.error(`Data directory: ${notice}`);
  return opened.workstationId;
}
