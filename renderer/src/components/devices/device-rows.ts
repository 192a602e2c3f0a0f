// The devices table as a biomed reads it: one row per device, sorted by bed then port, with the
// driver's display name, the bed's label, the share of bad frames and the age of the last frame
// (bytes skipped and their rate come with the device's status).
// Pure, so the sorting and the figures are tested without a browser.
import type { Bed, DeviceStatus, DriverInfo } from '../../../../shared/model/schemas';

export interface DeviceRow {
  device: DeviceStatus;
  driverName: string;
  /** Null when the device names a bed the workstation no longer has. */
  bedLabel: string | null;
  /** Bad frames as a share of all frames, 0–1; null before the first frame. */
  badShare: number | null;
  /** Seconds since the last frame; null when none arrived yet. */
  lastFrameAgeS: number | null;
}

const byLabel = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export function deviceRows(
  devices: readonly DeviceStatus[],
  beds: readonly Pick<Bed, 'id' | 'label'>[],
  drivers: readonly Pick<DriverInfo, 'id' | 'displayName'>[],
  nowMs: number,
): DeviceRow[] {
  const labels = new Map(beds.map((bed) => [bed.id, bed.label]));
  const names = new Map(drivers.map((driver) => [driver.id, driver.displayName]));
  return devices
    .map((device) => {
      const frames = device.framesOk + device.framesBad;
      return {
        device,
        driverName: names.get(device.driver) ?? device.driver,
        bedLabel: labels.get(device.bedId) ?? null,
        badShare: frames === 0 ? null : device.framesBad / frames,
        lastFrameAgeS:
          device.lastFrameAt === null ? null : Math.max(0, nowMs - device.lastFrameAt) / 1000,
      };
    })
    .sort(
      (a, b) =>
        byLabel.compare(a.bedLabel ?? a.device.bedId, b.bedLabel ?? b.device.bedId) ||
        byLabel.compare(a.device.path, b.device.path),
    );
}

/** "0.4" for 0.004: a share of bad frames as a percentage a person can compare. */
export function percent(share: number): string {
  const value = share * 100;
  if (value === 0) return '0';
  if (value < 0.1) return '< 0.1';
  return value < 10 ? value.toFixed(1) : value.toFixed(0);
}

/** "0", "0.4", "12", "1,250": bytes skipped per second, as precise as a person compares them. */
export function bytesPerSecond(perS: number): string {
  if (perS <= 0) return '0';
  if (perS < 0.1) return '< 0.1';
  return perS < 10 ? perS.toFixed(1) : Math.round(perS).toLocaleString('en');
}

/** `<driver>-<local time>.bin`: names that sort by time and say how to decode them. */
export function captureFileName(driver: string, atMs: number): string {
  const at = new Date(atMs);
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp =
    `${at.getFullYear()}${two(at.getMonth() + 1)}${two(at.getDate())}` +
    `-${two(at.getHours())}${two(at.getMinutes())}${two(at.getSeconds())}`;
  return `${driver}-${stamp}.bin`;
}
