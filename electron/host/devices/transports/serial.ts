// Serial transport over the `serialport` package (USB CDC, CP210x, FTDI, pseudo-terminals).
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import type { SerialSettings } from '../driver';
import type { ByteTransport, OpenTransport, TransportEvents } from './byte-transport';

// Well inside the quarter of a second within which a pulled cable must raise its alarm.
const PRESENCE_CHECK_MS = 100;

export function serialOpener(
  settings: SerialSettings,
  now: () => number = Date.now,
): OpenTransport {
  return (path, events) => openSerial(path, settings, events, now);
}

export function openSerial(
  path: string,
  settings: SerialSettings,
  events: TransportEvents,
  now: () => number = Date.now,
): Promise<ByteTransport> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({
      path,
      baudRate: settings.baudRate,
      dataBits: settings.dataBits,
      parity: settings.parity,
      stopBits: settings.stopBits,
      rtscts: settings.rtscts,
      autoOpen: false,
    });
    let closing = false;
    let lost = false;
    let presenceTimer: NodeJS.Timeout | undefined;
    const loseOnce = (reason: string) => {
      clearInterval(presenceTimer);
      if (closing || lost) return;
      lost = true;
      events.onLost(reason);
      if (port.isOpen) port.close(() => {});
    };

    port.open((error) => {
      if (error) {
        reject(new Error(describeOpenError(path, error)));
        return;
      }
      port.on('data', (chunk: Buffer) => events.onData(chunk, now()));
      port.on('close', (err: (Error & { disconnected?: boolean }) | null) => {
        loseOnce(err?.disconnected ? `${path} was disconnected` : `${path} closed`);
      });
      port.on('error', (err: Error) => loseOnce(`${path}: ${err.message}`));
      // A pulled cable does not always wake a read (pseudo-terminals never do), but on POSIX
      // systems the device node vanishes: watch for that too.
      if (path.startsWith('/')) {
        presenceTimer = setInterval(() => {
          if (!existsSync(path)) loseOnce(`${path} was unplugged`);
        }, PRESENCE_CHECK_MS);
        presenceTimer.unref();
      }
      resolve({
        write: (bytes) =>
          new Promise<void>((done, fail) => {
            port.write(Buffer.from(bytes), (err) =>
              err ? fail(err) : port.drain((e) => (e ? fail(e) : done())),
            );
          }),
        close: () =>
          new Promise<void>((done) => {
            closing = true;
            clearInterval(presenceTimer);
            if (!port.isOpen) return done();
            port.close(() => done());
          }),
      });
    });
  });
}

function describeOpenError(path: string, error: Error): string {
  const message = error.message;
  if (/ENOENT|No such file/i.test(message)) return `${path} does not exist (device unplugged?)`;
  if (/EACCES|Permission denied/i.test(message))
    return `No permission to open ${path}: install the udev rules or add the user to the dialout group`;
  if (/EBUSY|Resource busy|Cannot lock/i.test(message))
    return `${path} is in use by another program`;
  return `Cannot open ${path}: ${message}`;
}
