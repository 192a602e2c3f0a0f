// The IPC binding of the desktop shell. The Electron runtime cannot run here, so ipcMain is a
// stand-in that records handlers, and Node's own MessageChannel stands in for Electron's
// MessagePortMain (same postMessage / 'message' / 'close' / start surface). The router, the
// handlers and the workstation's contract behind them are the real ones.
import { describe, expect, it } from 'vitest';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { IpcMain } from 'electron';
import { answerRequest, bindIpc, IPC_REQUEST, IPC_SUBSCRIBE, screenCallers } from './ipc';
import type { AccessScreen } from '../host/access/access-screen';
import { createRouter, type ApiHandlers, type ApiRouter } from '../host/api/router';
import { ApiError } from '../../shared/api/errors';
import { quietBedAlarms } from '../../shared/model/alarm-defaults';

const TRUSTED = 'file:///app/out/renderer/index.html';

function fakeIpcMain(): {
  ipcMain: IpcMain;
  invoke: (url: string, ...args: unknown[]) => unknown;
  send: (url: string, message: unknown, port: MessagePort) => unknown;
  sendRaw: (event: unknown, message: unknown) => unknown;
} {
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
    sendRaw: (event: unknown, message: unknown) => listeners.get(IPC_SUBSCRIBE)!(event, message),
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
        screen: () => () => {},
        exportProgress: () => () => {},
        syncStatus: () => () => {},
        updateStatus: () => () => {},
        hospitalList: () => () => {},
        access: () => () => {},
        remoteConsults: () => () => {},
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

describe('desktop shell IPC: a failure answers its own call only', () => {
  const logged: string[] = [];
  let unsubscribed = 0;
  let calls = 0;
  const router = createRouter(
    {
      requests: {
        getStatus: () => {
          calls++;
          if (calls === 1) throw undefined; // not every throw is an Error
          return { devices: [], beds: [] };
        },
      } as unknown as ApiHandlers['requests'],
      streams: {
        bedLive: ({ bedId }: { bedId: string }, emit: (event: unknown) => void) => {
          if (bedId === 'broken') throw new TypeError('bed state is broken');
          // A function cannot cross a port: postMessage throws DataCloneError.
          emit({ type: 'device', device: { render: () => {} } } as never);
          return () => unsubscribed++;
        },
      } as unknown as ApiHandlers['streams'],
    },
    (message) => logged.push(message),
  );
  const ipc = fakeIpcMain();
  bindIpc(
    ipc.ipcMain,
    router,
    (url) => url === TRUSTED,
    (message) => logged.push(message),
  );

  it('answers a handler that throws with "internal", then the next call normally', async () => {
    expect(await ipc.invoke(TRUSTED, 'getStatus', {})).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
    expect(await ipc.invoke(TRUSTED, 'getStatus', {})).toEqual({
      ok: true,
      result: { devices: [], beds: [] },
    });
    expect(logged).toContain('api: getStatus failed (params: {}, by desktop-user)');
  });

  it('answers in an envelope even when a router throws synchronously, and logs the call', async () => {
    const broken: ApiRouter = {
      request: () => {
        throw new RangeError('thrown before any promise');
      },
      subscribe: () => () => {},
    };
    const log: string[] = [];
    expect(await answerRequest(broken, 'getStatus', { a: 1 }, (m) => log.push(m))).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Internal error.' },
    });
    expect(log).toEqual(['ipc: request failed (params: {"method":"getStatus","params":{"a":1}})']);
  });

  it('ends a stream whose event cannot cross the port with an error, and stops its source', async () => {
    const { port1, port2 } = new MessageChannel();
    const reply = nextMessage(port1);
    ipc.send(TRUSTED, { stream: 'bedLive', params: { bedId: 'bed-1' } }, port2);
    expect(await reply).toMatchObject({ type: 'error', error: { code: 'internal' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unsubscribed).toBe(1);
    expect(logged).toContain('api: bedLive event not sent (params: {"bedId":"bed-1"})');
    port1.close();
  });

  it('reports a stream handler that throws on its port, logged', async () => {
    const { port1, port2 } = new MessageChannel();
    const reply = nextMessage(port1);
    ipc.send(TRUSTED, { stream: 'bedLive', params: { bedId: 'broken' } }, port2);
    expect(await reply).toMatchObject({ type: 'error', error: { code: 'internal' } });
    expect(logged).toContain('api: bedLive subscription failed (params: {"bedId":"broken"})');
    port1.close();
  });

  it('never throws out of the subscribe listener, whatever the event looks like', async () => {
    expect(() => ipc.sendRaw({ senderFrame: { url: TRUSTED } }, undefined)).not.toThrow();
    expect(logged.some((m) => m.startsWith('ipc: a subscription could not be answered'))).toBe(
      true,
    );
    // A frame already gone: Electron throws on reading it. Trusted by nobody.
    const { port1, port2 } = new MessageChannel();
    const reply = nextMessage(port1);
    const gone = {
      get senderFrame(): never {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
      ports: [port2],
    };
    expect(() => ipc.sendRaw(gone, { stream: 'bedLive', params: { bedId: 'b' } })).not.toThrow();
    expect(await reply).toMatchObject({ type: 'error', error: { code: 'unauthorized' } });
    port1.close();
  });
});

describe('desktop shell IPC: a screen per window', () => {
  /** A WebContents stand-in: its id, and its 'destroyed' event. */
  function window(id: number) {
    let destroyed: (() => void) | null = null;
    return {
      id,
      once: (_event: 'destroyed', listener: () => void) => (destroyed = listener),
      destroy: () => destroyed?.(),
    };
  }

  it('opens one screen per window, keeps it across calls, and closes it with the window', () => {
    const opened: string[] = [];
    const closed: string[] = [];
    const callerOf = screenCallers((label) => {
      opened.push(label);
      return { label, close: () => closed.push(label) } as unknown as AccessScreen;
    });
    const first = window(1);
    const second = window(2);
    const a = callerOf(first);
    expect(callerOf(first).screen).toBe(a.screen);
    expect(callerOf(second).screen).not.toBe(a.screen);
    expect(opened).toEqual(['desktop window 1', 'desktop window 2']);
    first.destroy();
    expect(closed).toEqual(['desktop window 1']);
    // A window that comes back under the same id (a new WebContents) starts signed out.
    expect(callerOf(window(1)).screen).not.toBe(a.screen);
  });

  it('trusts every window when no screens are kept (the transport alone)', () => {
    expect(screenCallers(undefined)(window(3))).toEqual({ actor: 'desktop-user' });
  });
});
