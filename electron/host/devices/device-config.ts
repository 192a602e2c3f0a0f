// `--device DRIVER:PATH`, as given on the command line of either shell.
export interface DeviceConfig {
  driver: string;
  path: string;
  /** Bed label; devices without one get a bed of their own. */
  bed?: string;
}

/** Returns the config, or a sentence saying what is wrong with the text. */
export function parseDeviceSpec(value: string): DeviceConfig | string {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) {
    return `--device needs DRIVER:PATH (for example healthypi5:/dev/ttyACM0), got "${value}".`;
  }
  return { driver: value.slice(0, colon), path: value.slice(colon + 1) };
}
