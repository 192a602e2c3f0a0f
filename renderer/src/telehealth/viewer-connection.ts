// The viewer's one socket to the central server (VIEWER_PATHS.socket): the workstation's websocket
// bridge and client, as the browser shell uses them, with two additions. A close with one of
// VIEWER_CLOSE's codes ends the page (the consult ended, the session is gone): no reconnection.
// And the newest sample's time is noted as the bed's events pass, for "x s behind".
import { createClient, type WorkstationClient } from '../../../shared/api/client';
import type { BedLiveEvent } from '../../../shared/api/contract';
import { VIEWER_CLOSE } from '../../../shared/telehealth/viewer';
import { createWebSocketBridge, type SocketClose } from '../api/websocket-bridge';
import { newestDataMsOf } from './latency';
import { telehealthStrings as t } from './strings';

export interface ViewerConnection {
  client: WorkstationClient;
  /** The newest sample's (or numeric's) time seen so far; read when the latency line redraws. */
  newestDataMs(): number | null;
}

/** Why the server shut this viewer out, as the page shows it; null for an ordinary drop. */
export function shutOutBy(close: SocketClose): { ended: boolean; sentence: string } | null {
  if (close.code === VIEWER_CLOSE.ended) {
    return { ended: true, sentence: close.reason.trim() || t.endedTitle };
  }
  if (close.code === VIEWER_CLOSE.notSignedIn) {
    return { ended: false, sentence: close.reason.trim() || t.notSignedIn };
  }
  return null;
}

export function connectViewer(
  url: string,
  onShutOut: (shutOut: { ended: boolean; sentence: string }) => void,
): ViewerConnection {
  const bridge = createWebSocketBridge(url, {
    onClose(close) {
      const shutOut = shutOutBy(close);
      if (!shutOut) return 'reconnect';
      onShutOut(shutOut);
      return 'stop';
    },
  });
  const inner = createClient(bridge);
  let newest: number | null = null;
  const note = (event: BedLiveEvent) => {
    const at = newestDataMsOf(event);
    if (at !== null && (newest === null || at > newest)) newest = at;
  };
  const client: WorkstationClient = {
    request: (method, params) => inner.request(method, params),
    subscribe: (stream, params, onEvent, onError) =>
      inner.subscribe(
        stream,
        params,
        (event) => {
          if (stream === 'bedLive') note(event as BedLiveEvent);
          onEvent(event);
        },
        onError,
      ),
  };
  return { client, newestDataMs: () => newest };
}
