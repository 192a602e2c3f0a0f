// USB HID report transport over node-hid's async API, for request/response devices that talk in
// fixed-size reports without report ids (Omron HEM-790IT, ../shared/protocols/README.md §7).

/**
 * One HID device, spoken to in whole reports. Reports carry no report id here: the transport adds
 * the `00` id that hidapi needs on write and on feature reports, and reads come back without it.
 */
export interface HidReportTransport {
  /** Sends one output report (8 bytes for the Omron). */
  write(report: Uint8Array): Promise<void>;
  /** Sends one feature report payload (report id 0 is prepended by the transport). */
  sendFeatureReport(report: Uint8Array): Promise<void>;
  /** The next input report, or null when none arrived within `timeoutMs`. */
  read(timeoutMs: number): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

const REPORT_ID_NONE = 0x00;

/** What every call on a closed transport rejects with: nothing more goes to or from the device. */
export class HidTransportClosedError extends Error {}

/**
 * A transport that can be closed at any moment by someone other than the exchange using it (the
 * workstation stopping): close() settles every call in progress at once, every later call
 * rejects, and closing twice closes the device once. The device's own close waits for a read in
 * progress to end, which its read timeout bounds.
 */
export function closableTransport(
  inner: HidReportTransport,
  why = 'the download was stopped',
): HidReportTransport {
  let closing: Promise<void> | null = null;
  const inProgress = new Set<(error: Error) => void>();
  const closedError = () => new HidTransportClosedError(`The monitor was closed: ${why}.`);
  const guard = <T>(call: () => Promise<T>): Promise<T> => {
    if (closing) return Promise.reject(closedError());
    return new Promise<T>((resolve, reject) => {
      inProgress.add(reject);
      call()
        .then(resolve, reject)
        .finally(() => inProgress.delete(reject));
    });
  };
  return {
    write: (report) => guard(() => inner.write(report)),
    sendFeatureReport: (report) => guard(() => inner.sendFeatureReport(report)),
    read: (timeoutMs) => guard(() => inner.read(timeoutMs)),
    close() {
      closing ??= (async () => {
        for (const settle of inProgress) settle(closedError());
        await inner.close();
      })();
      return closing;
    },
  };
}

function usbId(vendorId: number, productId: number): string {
  const hex = (id: number) => id.toString(16).padStart(4, '0');
  return `${hex(vendorId)}:${hex(productId)}`;
}

function withReportId(report: Uint8Array): number[] {
  return [REPORT_ID_NONE, ...report];
}

/** Why opening failed, in words a person can act on; keeps the system's own message for logs. */
export function describeHidOpenError(
  deviceName: string,
  vendorId: number,
  productId: number,
  error: unknown,
  platform: NodeJS.Platform = process.platform,
): string {
  const reason = error instanceof Error ? error.message : String(error);
  const id = usbId(vendorId, productId);
  const hint =
    platform === 'linux'
      ? ` On Linux this is usually a permission problem on /dev/hidraw*: add a udev rule such as` +
        ` KERNEL=="hidraw*", ATTRS{idVendor}=="${id.slice(0, 4)}",` +
        ` ATTRS{idProduct}=="${id.slice(5)}", MODE="0660", TAG+="uaccess"` +
        ` in /etc/udev/rules.d/, run "sudo udevadm control --reload-rules", then unplug and` +
        ` reconnect the monitor.`
      : ' Close any other program that uses the monitor, then unplug and reconnect it.';
  return `Could not open ${deviceName} (USB ${id}): ${reason}.${hint}`;
}

/**
 * Opens the first HID device with these USB ids. `deviceName` is what the person sees in errors
 * (pass the driver descriptor's displayName). node-hid is loaded only here, so pure code and tests
 * never load the native addon.
 */
export async function openHid(
  vendorId: number,
  productId: number,
  deviceName = 'Omron HEM-790IT',
): Promise<HidReportTransport> {
  const { HIDAsync, devicesAsync } = await import('node-hid');
  const found = await devicesAsync(vendorId, productId);
  const path = found.find((device) => device.path)?.path;
  if (path === undefined) {
    throw new Error(
      `No ${deviceName} found (USB ${usbId(vendorId, productId)}). Connect the monitor with its` +
        ` USB cable, switch it on, and try again.`,
    );
  }
  let device: Awaited<ReturnType<typeof HIDAsync.open>>;
  try {
    device = await HIDAsync.open(path);
  } catch (error) {
    throw new Error(describeHidOpenError(deviceName, vendorId, productId, error), {
      cause: error,
    });
  }
  let closed: Promise<void> | null = null;
  return {
    async write(report) {
      await device.write(withReportId(report));
    },
    async sendFeatureReport(report) {
      await device.sendFeatureReport(withReportId(report));
    },
    async read(timeoutMs) {
      const data = await device.read(timeoutMs);
      return data && data.length > 0 ? new Uint8Array(data) : null;
    },
    // node-hid refuses a second close; the device is closed once however often this is called.
    close: () => (closed ??= device.close()),
  };
}
