// The devices requests beyond connect and disconnect: a raw capture of the bytes one device sends
// in the next seconds, for a biomed to re-decode (`workstation decode`) or attach to a bug report.
// The session keeps the last 1 MiB anyway; the capture marks where it starts and reads after it.
import { ApiError } from '../../../shared/api/errors';
import type { ApiHandlers } from './router';
import type { DeviceSession } from '../devices/session';

type DeviceRequests = Pick<ApiHandlers['requests'], 'captureRawBytes'>;

export interface DeviceHandlerOptions {
  now?: () => number;
  wait?: (ms: number) => Promise<void>;
  log?: (message: string) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function deviceHandlers(
  sessions: ReadonlyMap<string, DeviceSession>,
  { now = Date.now, wait = sleep, log }: DeviceHandlerOptions = {},
): DeviceRequests {
  return {
    captureRawBytes: async ({ deviceId, seconds }, caller) => {
      const session = sessions.get(deviceId);
      if (!session) {
        throw new ApiError(
          'not_found',
          `There is no device "${deviceId}" on this workstation; it may have been disconnected.`,
        );
      }
      const fromMs = now();
      const mark = session.rawBytePosition();
      await wait(seconds * 1000);
      // A device disconnected meanwhile still gives what it sent until then.
      const { bytes, lost } = session.rawBytesSince(mark);
      const { driver } = session.status();
      log?.(`raw capture of ${deviceId} (${seconds} s, ${bytes.length} bytes) by ${caller.actor}`);
      return {
        deviceId,
        driver,
        fromMs,
        toMs: now(),
        byteCount: bytes.length,
        lostBytes: lost,
        base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
      };
    },
  };
}
