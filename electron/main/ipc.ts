// Carries the contract over Electron IPC: requests through invoke/handle, streams through a
// MessagePort per subscription. The router validates every payload; here we only check who sends.
// Whatever fails while answering one call (a handler, a port, an event that cannot be cloned)
// answers that call only: the main process, and the monitoring in it, carries on.
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, MessagePortMain } from 'electron';
import { ApiError, type ApiErrorShape } from '../../shared/api/errors';
import { describeRequest, type ApiRouter, type Caller } from '../host/api/router';
import type { AccessScreen } from '../host/access/access-screen';

export const IPC_REQUEST = 'workstation:request';
export const IPC_SUBSCRIBE = 'workstation:subscribe';

export type IpcReply = { ok: true; result: unknown } | { ok: false; error: ApiErrorShape };

type Log = (message: string, error: unknown) => void;

const UNTRUSTED = new ApiError('unauthorized', 'Untrusted sender.');

function shapeOf(error: unknown): ApiErrorShape {
  return (
    error instanceof ApiError ? error : new ApiError('internal', 'Internal error.')
  ).toShape();
}

/** One request from the renderer: always an ok/error envelope, never a throw. */
export async function answerRequest(
  router: ApiRouter,
  method: unknown,
  params: unknown,
  log: Log,
  caller: Caller = { actor: 'desktop-user' },
): Promise<IpcReply> {
  try {
    const name = typeof method === 'string' ? method : String(method);
    return { ok: true, result: await router.request(name, params, caller) };
  } catch (error) {
    // The router logs its own failures; anything else failed here, and is logged here.
    if (!(error instanceof ApiError))
      log(`ipc: request failed (${describeRequest({ method, params })})`, error);
    return { ok: false, error: shapeOf(error) };
  }
}

/** The part of a MessagePortMain a subscription uses. */
export interface StreamPort {
  postMessage(message: unknown): void;
  on(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}

/** One subscription from the renderer, over its own port; never throws. */
export function openStream(
  router: ApiRouter,
  port: StreamPort,
  message: { stream?: unknown; params?: unknown } | undefined,
  log: Log,
  caller: Caller = { actor: 'desktop-user' },
): void {
  let unsubscribe: (() => void) | null = null;
  let ending = false;
  const end = (error: unknown) => {
    try {
      unsubscribe?.();
    } catch (cause) {
      log('ipc: a stream did not stop cleanly', cause);
    }
    unsubscribe = null;
    try {
      port.postMessage({ type: 'error', error: shapeOf(error) });
      port.close();
    } catch (cause) {
      log('ipc: a stream port could not be closed', cause);
    }
  };
  try {
    const stream = typeof message?.stream === 'string' ? message.stream : String(message?.stream);
    unsubscribe = router.subscribe(
      stream,
      message?.params,
      (event) => {
        // An event the port cannot carry ends this stream only; the renderer re-subscribes.
        try {
          port.postMessage({ type: 'event', event });
        } catch (error) {
          if (!ending) queueMicrotask(() => end(new ApiError('internal', 'Internal error.')));
          ending = true;
          throw error; // the router logs it, once
        }
      },
      caller,
    );
    port.on('close', () => {
      try {
        unsubscribe?.();
      } catch (error) {
        log(`ipc: ${stream} did not stop cleanly`, error);
      }
      unsubscribe = null;
    });
    port.start();
  } catch (error) {
    if (!(error instanceof ApiError))
      log(`ipc: subscription failed (${describeRequest(message)})`, error);
    end(error);
  }
}

/** The part of a WebContents the screens need: who it is, and when it goes. */
interface ScreenSender {
  id: number;
  once(event: 'destroyed', listener: () => void): unknown;
}

/**
 * One screen per window (its WebContents): each signs in on its own, and its screen is closed
 * when the window goes. Without `openScreen` every window is trusted (tests of the transport).
 */
export function screenCallers(
  openScreen: ((label: string) => AccessScreen) | undefined,
): (sender: ScreenSender) => Caller {
  const screens = new Map<number, AccessScreen>();
  return (sender) => {
    if (!openScreen) return { actor: 'desktop-user' };
    let screen = screens.get(sender.id);
    if (!screen) {
      const opened = openScreen(`desktop window ${sender.id}`);
      screens.set(sender.id, opened);
      sender.once('destroyed', () => {
        screens.delete(sender.id);
        opened.close();
      });
      screen = opened;
    }
    return { actor: 'desktop-user', screen };
  };
}

export function bindIpc(
  ipcMain: IpcMain,
  router: ApiRouter,
  isTrusted: (senderUrl: string) => boolean,
  log: Log = console.error,
  openScreen?: (label: string) => AccessScreen,
): void {
  const callerOf = screenCallers(openScreen);
  const senderUrl = (event: IpcMainEvent | IpcMainInvokeEvent) => {
    try {
      return event.senderFrame?.url ?? '';
    } catch {
      return ''; // a frame already gone (navigated or destroyed) is trusted by nobody
    }
  };

  ipcMain.handle(IPC_REQUEST, async (event, method: unknown, params: unknown) => {
    if (!isTrusted(senderUrl(event))) return { ok: false, error: UNTRUSTED.toShape() };
    return answerRequest(router, method, params, log, callerOf(event.sender));
  });

  ipcMain.on(
    IPC_SUBSCRIBE,
    (event, message: { stream?: unknown; params?: unknown } | undefined) => {
      try {
        const port: MessagePortMain | undefined = event.ports[0];
        if (!port) return;
        if (!isTrusted(senderUrl(event))) {
          port.postMessage({ type: 'error', error: UNTRUSTED.toShape() });
          port.close();
          return;
        }
        openStream(router, port, message, log, callerOf(event.sender));
      } catch (error) {
        log('ipc: a subscription could not be answered', error);
      }
    },
  );
}
