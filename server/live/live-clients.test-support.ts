// Test support: a workstation's live socket and a hospital central station's viewer socket, spoken
// by hand over real WebSockets, and the beds and events a workstation sends.
import WebSocket from 'ws';
import type { BedLiveEvent } from '../../shared/api/contract';
import type { Bed } from '../../shared/model/schemas';
import { quietBedAlarms } from '../../shared/model/alarm-defaults';
import { SYNC_PATHS, SYNC_PROTOCOL, SYNC_PROTOCOL_HEADER } from '../../shared/sync/protocol';
import { WS_PATH, serverMessagesIn } from '../../shared/api/wire';
import type { LiveFromWorkstation, LiveToWorkstation } from '../../shared/sync/live';

export async function until<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface LiveWorkstationClient {
  ws: WebSocket;
  replies: LiveToWorkstation[];
  closed: Promise<{ code: number; reason: string }>;
  send(message: LiveFromWorkstation | string | Buffer): void;
  close(): Promise<void>;
}

/** A workstation's live socket: connected and (unless told otherwise) welcomed. */
export async function liveWorkstation(
  serverUrl: string,
  credential: string | null,
  workstationId: string,
  { hello = true }: { hello?: boolean } = {},
): Promise<LiveWorkstationClient> {
  const url = new URL(SYNC_PATHS.live, serverUrl);
  url.protocol = 'ws:';
  const ws = new WebSocket(url, {
    headers: {
      ...(credential ? { authorization: `Bearer ${credential}` } : {}),
      [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
    },
  });
  const replies: LiveToWorkstation[] = [];
  ws.on('message', (data) => replies.push(JSON.parse(String(data)) as LiveToWorkstation));
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const client: LiveWorkstationClient = {
    ws,
    replies,
    closed,
    send(message) {
      ws.send(
        typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message),
      );
    },
    async close() {
      ws.close();
      await closed;
    },
  };
  if (hello) {
    client.send({ type: 'hello', protocol: SYNC_PROTOCOL, workstationId });
    await until(() => replies.length > 0, 'the relay’s answer to hello');
  }
  return client;
}

export function testBed(id: string, label = id): Bed {
  return {
    id,
    label,
    deviceIds: ['dev-1'],
    numerics: {},
    alarms: [],
    ...quietBedAlarms(),
    patient: null,
  };
}

export function snapshotEvent(bed: Bed): BedLiveEvent {
  return {
    type: 'snapshot',
    bed,
    devices: [],
    channels: [
      {
        deviceId: 'dev-1',
        refId: 'MDC_ECG_ELEC_POTL_II',
        label: 'ECG II',
        unit: 'mV',
        rateHz: 500,
        scale: 0.001,
      },
      {
        deviceId: 'dev-1',
        refId: 'MDC_PULS_OXIM_PLETH',
        label: 'Pleth',
        unit: '{count}',
        rateHz: 100,
        scale: null,
      },
    ],
  };
}

export function numericEvent(value: number, atMs = Date.now()): BedLiveEvent {
  return {
    type: 'numeric',
    refId: 'MDC_ECG_HEART_RATE',
    numeric: { value, unit: '/min', at: atMs, source: 'dev-1' },
  };
}

export function samplesEvent(
  bedId: string,
  count = 20,
  channel = 'MDC_ECG_ELEC_POTL_II',
  t0 = Date.now(),
): BedLiveEvent {
  return {
    type: 'samples',
    blocks: [
      {
        bedId,
        deviceId: 'dev-1',
        channel,
        rateHz: 500,
        t0,
        values: Array.from({ length: count }, (_, i) => (i * 37) % 1000),
      },
    ],
  };
}

export interface ViewerEvent {
  id: number;
  event: BedLiveEvent & Record<string, unknown>;
}

export interface ViewerClient {
  ws: WebSocket;
  events: ViewerEvent[];
  errors: Array<{ id: number | null; error: { code: string; message: string } }>;
  request(method: string, params: unknown): Promise<unknown>;
  subscribe(stream: string, params: unknown): number;
  eventsOf(id: number): ViewerEvent['event'][];
  close(): Promise<void>;
}

/** A hospital central station's socket, as the renderer's WebSocket bridge speaks it. */
export async function viewer(serverUrl: string, token: string): Promise<ViewerClient> {
  const url = new URL(WS_PATH, serverUrl);
  url.protocol = 'ws:';
  url.searchParams.set('token', token);
  const ws = new WebSocket(url);
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  const events: ViewerEvent[] = [];
  const errors: ViewerClient['errors'] = [];
  ws.on('message', (data) => {
    for (const raw of serverMessagesIn(JSON.parse(String(data)))) {
      const message = raw as {
        type: string;
        id: number | null;
        result?: unknown;
        event?: unknown;
        error?: { code: string; message: string };
      };
      if (message.type === 'event')
        events.push({ id: message.id!, event: message.event as ViewerEvent['event'] });
      else if (message.type === 'response') pending.get(message.id!)?.resolve(message.result);
      else if (message.type === 'error') {
        errors.push({ id: message.id, error: message.error! });
        if (message.id !== null) pending.get(message.id)?.reject(new Error(message.error!.message));
      }
    }
  });
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    events,
    errors,
    request(method, params) {
      const id = nextId++;
      ws.send(JSON.stringify({ type: 'request', id, method, params }));
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    },
    subscribe(stream, params) {
      const id = nextId++;
      ws.send(JSON.stringify({ type: 'subscribe', id, stream, params }));
      return id;
    },
    eventsOf: (id) => events.filter((e) => e.id === id).map((e) => e.event),
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      const closed = new Promise((resolve) => ws.once('close', resolve));
      ws.close();
      await closed;
    },
  };
}
