// Carries the contract over Electron IPC: requests through invoke/handle, streams through a
// MessagePort per subscription. The router validates every payload; here we only check who sends.
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, MessagePortMain } from 'electron';
import { ApiError } from '../../shared/api/errors';
import type { ApiRouter } from '../host/api/router';

export const IPC_REQUEST = 'workstation:request';
export const IPC_SUBSCRIBE = 'workstation:subscribe';

export function bindIpc(
  ipcMain: IpcMain,
  router: ApiRouter,
  isTrusted: (senderUrl: string) => boolean,
): void {
  const senderUrl = (event: IpcMainEvent | IpcMainInvokeEvent) => event.senderFrame?.url ?? '';

  ipcMain.handle(IPC_REQUEST, async (event, method: unknown, params: unknown) => {
    if (!isTrusted(senderUrl(event)))
      return { ok: false, error: new ApiError('unauthorized', 'Untrusted sender.').toShape() };
    try {
      return {
        ok: true,
        result: await router.request(String(method), params, { actor: 'desktop-user' }),
      };
    } catch (error) {
      const apiError =
        error instanceof ApiError ? error : new ApiError('internal', 'Internal error.');
      return { ok: false, error: apiError.toShape() };
    }
  });

  ipcMain.on(
    IPC_SUBSCRIBE,
    (event, message: { stream?: unknown; params?: unknown } | undefined) => {
      const port: MessagePortMain | undefined = event.ports[0];
      if (!port) return;
      if (!isTrusted(senderUrl(event))) {
        port.postMessage({
          type: 'error',
          error: new ApiError('unauthorized', 'Untrusted sender.').toShape(),
        });
        port.close();
        return;
      }
      try {
        const unsubscribe = router.subscribe(
          String(message?.stream),
          message?.params,
          (streamEvent) => port.postMessage({ type: 'event', event: streamEvent }),
        );
        port.on('close', unsubscribe);
        port.start();
      } catch (error) {
        const apiError =
          error instanceof ApiError ? error : new ApiError('internal', 'Internal error.');
        port.postMessage({ type: 'error', error: apiError.toShape() });
        port.close();
      }
    },
  );
}
