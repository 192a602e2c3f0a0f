// What the workstation keeps in its data directory besides the store: its own id, stamped on
// every row it makes, and the devices assigned to beds from the screen.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { uuidv7 } from '../../shared/ids';
import type { DeviceConfig } from './devices/device-config';

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
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, JSON.stringify({ devices }, null, 2) + '\n');
    renameSync(temporary, this.file);
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

/** The id stamped on every row this workstation makes; kept with its data. */
export function workstationId(dataDir: string): string {
  const file = join(dataDir, 'workstation.json');
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { id?: unknown };
    if (typeof parsed.id === 'string' && parsed.id.length > 0) return parsed.id;
  } catch {
    // first start: made below
  }
  const id = uuidv7();
  writeFileSync(file, JSON.stringify({ id }, null, 2) + '\n');
  return id;
}
