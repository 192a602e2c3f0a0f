// Picks the transport once: the Electron preload's bridge when present, else the browser shell's
// WebSocket. Nothing else in the renderer knows which one it got.
import type { WorkstationBridge } from '../../../shared/api/bridge';
import { createClient, type WorkstationClient } from '../../../shared/api/client';
import { WS_PATH } from '../../../shared/api/wire';
import { resumeGreeting, tabStorage } from '../components/access/resume-token';
import { createWebSocketBridge } from './websocket-bridge';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in a plain browser. */
    workstation?: WorkstationBridge;
  }
}

export function connectWorkstation(): WorkstationClient {
  // A desktop window keeps its screen across reloads; a browser tab resumes its sign-in.
  const bridge =
    window.workstation ??
    createWebSocketBridge(webSocketUrl(window.location), {
      greeting: () => resumeGreeting(tabStorage()),
    });
  return createClient(bridge);
}

/** The browser shell's socket on the page's own host, carrying the page's access token. */
export function webSocketUrl(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const token = new URLSearchParams(location.search).get('token') ?? '';
  return `${scheme}://${location.host}${WS_PATH}?token=${encodeURIComponent(token)}`;
}
