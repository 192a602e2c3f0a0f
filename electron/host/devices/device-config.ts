// `--device DRIVER:PATH[@BED]`, as given on the command line of either shell. Devices that name
// the same bed share it (an ECG and an oximeter on one patient); without a bed, a device gets a
// bed of its own.
export interface DeviceConfig {
  driver: string;
  path: string;
  /** Bed label; devices without one get a bed of their own. */
  bed?: string;
}

/** Returns the config, or a sentence saying what is wrong with the text. */
export function parseDeviceSpec(value: string): DeviceConfig | string {
  const colon = value.indexOf(':');
  const at = value.lastIndexOf('@');
  const pathEnd = at > colon ? at : value.length;
  const driver = value.slice(0, Math.max(colon, 0));
  const path = colon > 0 ? value.slice(colon + 1, pathEnd) : '';
  const bed = at > colon ? value.slice(at + 1).trim() : undefined;
  if (colon <= 0 || path.length === 0 || bed === '') {
    return `--device needs DRIVER:PATH or DRIVER:PATH@BED (for example healthypi5:/dev/ttyACM0@Bed 3), got "${value}".`;
  }
  return bed === undefined ? { driver, path } : { driver, path, bed };
}
