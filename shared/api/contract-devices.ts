// The devices requests of the contract (spread into `requests` in contract.ts): what a biomedical
// engineer needs beyond connecting and disconnecting, starting with a device's raw bytes.
import { z } from 'zod';

/** The longest raw capture: the 1 MiB the host keeps holds a minute of the fastest device. */
export const MAX_RAW_CAPTURE_SECONDS = 60;

export const devicesRequests = {
  /**
   * The raw bytes one device sends in the next `seconds` (answered after them), base64, for
   * `workstation decode --driver <driver> --input FILE` or a bug report. `lostBytes` counts bytes
   * that arrived in the time but no longer fit in the 1 MiB the host keeps.
   */
  captureRawBytes: {
    input: z
      .object({
        deviceId: z.string().min(1).max(400),
        seconds: z.number().int().min(1).max(MAX_RAW_CAPTURE_SECONDS),
      })
      .strict(),
    output: z.object({
      deviceId: z.string(),
      driver: z.string(),
      fromMs: z.number(),
      toMs: z.number(),
      byteCount: z.number().int().nonnegative(),
      lostBytes: z.number().int().nonnegative(),
      base64: z.string(),
    }),
  },
} as const;
