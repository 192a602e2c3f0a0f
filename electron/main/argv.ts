// The desktop app's command line, as `npm start -- …` passes it on: the devices to connect and
// where to keep the data. Pure, so what a biomedical engineer types is tested without Electron.
import { resolve } from 'node:path';
import { parseDeviceSpec, type DeviceConfig } from '../host/devices/device-config';

/** Every value of `--name VALUE` and `--name=VALUE`, in order. */
export function optionValues(argv: readonly string[], name: string): string[] {
  const values: string[] = [];
  argv.forEach((arg, i) => {
    const value =
      arg === name
        ? argv[i + 1]
        : arg.startsWith(`${name}=`)
          ? arg.slice(name.length + 1)
          : undefined;
    if (value !== undefined) values.push(value);
  });
  return values;
}

/** The devices of `--device DRIVER:PATH[@BED]`; a malformed one is reported and left out. */
export function devicesFromArgv(
  argv: readonly string[],
  report: (message: string) => void,
): DeviceConfig[] {
  return optionValues(argv, '--device').flatMap((value) => {
    const parsed = parseDeviceSpec(value);
    if (typeof parsed === 'string') {
      report(parsed);
      return [];
    }
    return [parsed];
  });
}

/** `--data DIR` (the last one given) resolved, or the app's own folder. */
export function dataDirFromArgv(argv: readonly string[], appDataDir: string): string {
  const given = optionValues(argv, '--data').at(-1);
  return given ? resolve(given) : appDataDir;
}
