// Serial transport over the `serialport` package (USB CDC, CP210x, FTDI, pseudo-terminals).
import { SerialPort } from 'serialport';
import type { SerialSettings } from '../driver';
import type { ByteTransport, OpenTransport, TransportEvents } from './byte-transport';

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
    const loseOnce = (reason: string) => {
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
