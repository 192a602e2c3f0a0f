// The one contract between the renderer and the host. Both transports (Electron IPC with
// MessagePorts, WebSocket) carry exactly these requests and streams.
import { z } from 'zod';
import {
  Alarm,
  Bed,
  DeviceStatus,
  Numeric,
  SampleBlock,
  Status,
  WaveformChannel,
} from '../model/schemas';

export const BedLiveEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('snapshot'),
    bed: Bed,
    devices: z.array(DeviceStatus),
    channels: z.array(WaveformChannel),
  }),
  z.object({ type: z.literal('samples'), block: SampleBlock }),
  z.object({ type: z.literal('numeric'), refId: z.string(), numeric: Numeric }),
  z.object({ type: z.literal('alarms'), alarms: z.array(Alarm) }),
  z.object({ type: z.literal('device'), device: DeviceStatus }),
]);
export type BedLiveEvent = z.infer<typeof BedLiveEvent>;

export const requests = {
  /** Devices and beds with their latest numerics and alarms. */
  getStatus: { input: z.object({}).strict(), output: Status },
  /** A person acknowledges an alarm: its sound stops, it stays visible while the condition lasts. */
  acknowledgeAlarm: {
    input: z.object({ bedId: z.string().min(1), alarmId: z.string().min(1) }).strict(),
    output: Alarm.nullable(),
  },
} as const;

export const streams = {
  /** Everything live about one bed: a snapshot first, then samples, numerics, alarms, devices. */
  bedLive: { input: z.object({ bedId: z.string().min(1) }).strict(), event: BedLiveEvent },
} as const;

export type RequestName = keyof typeof requests;
export type StreamName = keyof typeof streams;
export type RequestInput<M extends RequestName> = z.input<(typeof requests)[M]['input']>;
export type RequestOutput<M extends RequestName> = z.output<(typeof requests)[M]['output']>;
export type StreamInput<S extends StreamName> = z.input<(typeof streams)[S]['input']>;
export type StreamEvent<S extends StreamName> = z.output<(typeof streams)[S]['event']>;

export function isRequestName(name: string): name is RequestName {
  return Object.hasOwn(requests, name);
}
export function isStreamName(name: string): name is StreamName {
  return Object.hasOwn(streams, name);
}
