// The IPC binding of the desktop shell. The Electron runtime cannot run here, so ipcMain is a
// stand-in that records handlers, and Node's own MessageChannel stands in for Electron's
// MessagePortMain (same postMessage / 'message' / 'close' / start surface). The router, the
// handlers and the workstation's contract behind them are the real ones.
import { describe, expect, it } from 'vitest';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { IpcMain } from 'electron';
import { bindIpc, IPC_REQUEST, IPC_SUBSCRIBE } from './ipc';
import { createRouter, type ApiHandlers } from '../host/api/router';
import { ApiError } from '../../shared/api/errors';
import { quietBedAlarms } from '../../shared/model/alarm-defaults';

const TRUSTED = 'file:///app/out/renderer/index.html';

function fakeIpcMain() {
  const handlers = new Map<string, (...args: unknown[]) => unknown>();
  const listeners = new Map<string, (...args: unknown[]) => unknown>();
  const ipcMain = {
    handle: (channel: string, fn: (...args: unknown[]) => unknown) => handlers.set(channel, fn),
    on: (channel: string, fn: (...args: unknown[]) => unknown) => listeners.set(channel, fn),
  } as unknown as IpcMain;
  return {
    ipcMain,
    invoke: (url: string, ...args: unknown[]) =>
      handlers.get(IPC_REQUEST)!({ senderFrame: { url } }, ...args),
    send: (url: string, message: unknown, port: MessagePort) =>
      listeners.get(IPC_SUBSCRIBE)!({ senderFrame: { url }, ports: [port] }, message),
  };
}

function nextMessage(port: MessagePort): Promise<unknown> {
  return new Promise((resolve) => port.once('message', resolve));
}

describe('desktop shell IPC binding', () => {
  let unsubscribed = 0;
  const router = createRouter(
    {
      requests: {
        getStatus: () => ({ devices: [], beds: [] }),
        acknowledgeAlarm: ({ alarmId }: { alarmId: string }) => {
          throw new ApiError('not_found', `No alarm ${alarmId}.`);
        },
        // The binding is what is tested here, not the handlers: two requests are enough.
      } as unknown as ApiHandlers['requests'],
      streams: {
        bedLive: (_input, emit) => {
          const { alarmAudio, alarmsOff, alarmSettings } = quietBedAlarms();
          emit({
            type: 'alarms',
            alarms: [],
            audio: alarmAudio,
            off: alarmsOff,
            settings: alarmSettings,
          });
          return () => unsubscribed++;
        },
      },
    },
    () => {},
  );
  const ipc = fakeIpcMain();
  bindIpc(ipc.ipcMain, router, (url) => url === TRUSTED);

  it('answers requests from its own page in an ok/error envelope', async () => {
    expect(await ipc.invoke(TRUSTED, 'getStatus', {})).toEqual({
      ok: true,
      result: { devices: [], beds: [] },
    });
    expect(
      await ipc.invoke(TRUSTED, 'acknowledgeAlarm', { bedId: 'bed-1', alarmId: 'a1' }),
    ).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'No alarm a1.' },
    });
    expect(await ipc.invoke(TRUSTED, 'acknowledgeAlarm', { bedId: 7 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
  });

  it('refuses requests and streams from any other page', async () => {
    expect(await ipc.invoke('https://evil.example/', 'getStatus', {})).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    const { port1, port2 } = new MessageChannel();
    const reply = nextMessage(port1);
    ipc.send('https://evil.example/', { stream: 'bedLive', params: { bedId: 'bed-1' } }, port2);
    expect(await reply).toMatchObject({ type: 'error', error: { code: 'unauthorized' } });
    port1.close();
  });

  it('streams events over the port and unsubscribes when the renderer closes it', async () => {
    const { port1, port2 } = new MessageChannel();
    const first = nextMessage(port1);
    ipc.send(TRUSTED, { stream: 'bedLive', params: { bedId: 'bed-1' } }, port2);
    expect(await first).toMatchObject({ type: 'event', event: { type: 'alarms', alarms: [] } });
    const before = unsubscribed;
    port1.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unsubscribed).toBe(before + 1);
  });

  it('reports a bad subscription on the port', async () => {
    const { port1, port2 } = new MessageChannel();
    const reply = nextMessage(port1);
    ipc.send(TRUSTED, { stream: 'nope', params: {} }, port2);
    expect(await reply).toMatchObject({ type: 'error', error: { code: 'unknown_method' } });
    port1.close();
  });
});
