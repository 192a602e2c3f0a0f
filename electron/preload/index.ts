// Exposes the workstation bridge to the sandboxed renderer as `window.workstation`. Requests go
// through invoke; each stream gets its own MessagePort, closed to unsubscribe.
import { contextBridge, ipcRenderer } from 'electron';
import type { WorkstationBridge } from '../../shared/api/bridge';

// Literal copies of electron/main/ipc.ts's channel names: a sandboxed preload is one file.
const IPC_REQUEST = 'workstation:request';
const IPC_SUBSCRIBE = 'workstation:subscribe';

const bridge = {
  async request(method, params) {
    const reply = (await ipcRenderer.invoke(IPC_REQUEST, method, params)) as
      { ok: true; result: unknown } | { ok: false; error: unknown };
    if (reply.ok) return reply.result;
    throw reply.error;
  },
  subscribe(stream, params, handlers) {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = (
      message: MessageEvent<{ type: string; event?: unknown; error?: unknown }>,
    ) => {
      if (message.data.type === 'event') handlers.onEvent(message.data.event);
      else handlers.onError(message.data.error as Parameters<typeof handlers.onError>[0]);
    };
    ipcRenderer.postMessage(IPC_SUBSCRIBE, { stream, params }, [port2]);
    return () => port1.close();
  },
} satisfies WorkstationBridge;

contextBridge.exposeInMainWorld('workstation', bridge);
