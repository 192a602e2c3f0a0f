// The viewer's one socket to the central server (VIEWER_PATHS.socket): the workstation's websocket
// bridge and client, as the browser shell uses them, with three additions. A close with one of
// VIEWER_CLOSE's codes ends the page (the consult ended, the session is gone): no reconnection.
// The newest sample's time is noted as the bed's events pass, for "x s behind". And a socket
// that has gone quiet while the data grows old (TCP waiting out its retransmissions after an
// outage: live-resume.ts shouldResume) is given up for a fresh one, whose bedLive stream resumes
// from the end of what the page holds (RESUME_PARAM; HeldSamples drops what comes twice), so the
// trace has no gap. The page says "Reconnecting…" meanwhile, as for any drop.
import { createClient, type WorkstationClient } from '../../../shared/api/client';
import type { BedLiveEvent } from '../../../shared/api/contract';
import {
  REPLACES_PARAM,
  RESUME_PARAM,
  SOCKET_TAG_PARAM,
  VIEWER_CLOSE,
} from '../../../shared/telehealth/viewer';
import { createWebSocketBridge, type SocketClose, type SocketLike } from '../api/websocket-bridge';
import { newestDataMsOf } from './latency';
import { HeldSamples, shouldResume } from './live-resume';
import { telehealthStrings as t } from './strings';

export interface ViewerConnection {
  client: WorkstationClient;
  /** The newest sample's (or numeric's) time seen so far; read when the latency line redraws. */
  newestDataMs(): number | null;
  /**
   * Watches the live socket for a stall, every `everyMs`, with what only the page knows (its
   * clock's offset from the server's, whether the clinic is down); returns how to stop.
   */
  watchStalls(
    context: () => { offsetMs: number; clinicDown: boolean },
    everyMs?: number,
  ): () => void;
  /** Sockets given up as stuck so far (for the tests and the bench). */
  resumes(): number;
}

export interface ConnectOptions {
  /** Opens the socket (a Node bench passes its own `ws` with the cookie); the DOM's by default. */
  openSocket?: (url: string) => SocketLike;
  now?: () => number;
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

/** The close the page tells its bridge of when it gives a stuck socket up (never sent). */
export const GAVE_UP_CLOSE: SocketClose = { code: 4900, reason: 'stalled' };

const CLOSED = 3;

/**
 * A socket the page can give up at once: the bridge hears of the close now (a stuck TCP
 * connection would take its time to close), and nothing from the old socket reaches it again.
 */
interface Watched extends SocketLike {
  giveUp(): void;
}

export function connectViewer(
  url: string,
  onShutOut: (shutOut: { ended: boolean; sentence: string }) => void,
  options: ConnectOptions = {},
): ViewerConnection {
  const now = options.now ?? Date.now;
  const open = options.openSocket ?? ((target: string) => new WebSocket(target) as SocketLike);
  const held = new HeldSamples();
  let current: Watched | null = null;
  let openedAtMs: number | null = null;
  let connectingSinceMs: number | null = null;
  let lastMessageAtMs: number | null = null;
  let newest: number | null = null;
  let resumes = 0;
  let fruitless = 0;
  let newestAtResume: number | null = null;
  /** The tag of the socket last given up as stuck: the next bedLive subscription names it. */
  let gaveUpTag: string | null = null;

  const tagOf = () => {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => (b % 36).toString(36)).join('');
  };

  const watched = (target: string): Watched => {
    const tag = tagOf();
    const tagged = new URL(target);
    tagged.searchParams.set(SOCKET_TAG_PARAM, tag);
    const inner = open(tagged.href);
    let gaveUp = false;
    connectingSinceMs = now();
    openedAtMs = null;
    const outer: Watched = {
      get readyState() {
        return gaveUp ? CLOSED : inner.readyState;
      },
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
      send(data) {
        if (gaveUp) return;
        inner.send(withResume(data));
      },
      close() {
        inner.close();
      },
      giveUp() {
        if (gaveUp) return;
        gaveUp = true;
        // Only an open socket can hold a backlog on the server worth cutting.
        if (openedAtMs !== null) gaveUpTag = tag;
        openedAtMs = null;
        connectingSinceMs = null;
        try {
          inner.close();
        } catch {
          // already closing
        }
        outer.onclose?.(GAVE_UP_CLOSE);
      },
    };
    inner.onopen = (event) => {
      if (gaveUp) return;
      openedAtMs = now();
      connectingSinceMs = null;
      lastMessageAtMs = null;
      outer.onopen?.(event);
    };
    inner.onmessage = (event) => {
      if (gaveUp) return;
      lastMessageAtMs = now();
      outer.onmessage?.(event);
    };
    inner.onerror = (event) => {
      if (!gaveUp) outer.onerror?.(event);
    };
    inner.onclose = (event) => {
      if (gaveUp) return;
      openedAtMs = null;
      connectingSinceMs = null;
      outer.onclose?.(event);
    };
    current = outer;
    return outer;
  };

  /** A bedLive subscription sent once samples are held resumes from the end of them. */
  const withResume = (data: string): string => {
    const fromMs = held.resumeFromMs();
    if (fromMs === null || !data.includes('"bedLive"')) return data;
    let message: { type?: unknown; stream?: unknown; params?: unknown };
    try {
      message = JSON.parse(data) as typeof message;
    } catch {
      return data;
    }
    if (message.type !== 'subscribe' || message.stream !== 'bedLive') return data;
    held.resuming();
    const params = {
      ...(message.params as object),
      [RESUME_PARAM]: fromMs,
      ...(gaveUpTag ? { [REPLACES_PARAM]: gaveUpTag } : {}),
    };
    gaveUpTag = null;
    return JSON.stringify({ ...message, params });
  };

  const bridge = createWebSocketBridge(url, {
    openSocket: watched,
    // The first retry soon: a stuck socket given up wants its replacement at once.
    backoffMs: { firstMs: 100, maxMs: 10_000 },
    onClose(close) {
      const shutOut = shutOutBy(close);
      if (!shutOut) return 'reconnect';
      onShutOut(shutOut);
      return 'stop';
    },
  });
  const inner = createClient(bridge);
  const note = (event: BedLiveEvent) => {
    const at = newestDataMsOf(event);
    if (at !== null && (newest === null || at > newest)) newest = at;
    if (newest !== null && newestAtResume !== null && newest > newestAtResume) {
      fruitless = 0;
      newestAtResume = null;
    }
  };
  const client: WorkstationClient = {
    request: (method, params) => inner.request(method, params),
    subscribe: (stream, params, onEvent, onError) =>
      inner.subscribe(
        stream,
        params,
        (event) => {
          if (stream !== 'bedLive') return onEvent(event);
          const kept = held.take(event as BedLiveEvent);
          if (!kept) return;
          note(kept);
          onEvent(kept as typeof event);
        },
        onError,
      ),
  };
  return {
    client,
    newestDataMs: () => newest,
    resumes: () => resumes,
    watchStalls(context, everyMs = 500) {
      const timer = setInterval(() => {
        const { offsetMs, clinicDown } = context();
        const stuck = shouldResume({
          nowMs: now(),
          offsetMs,
          newestDataMs: newest,
          lastMessageAtMs,
          openedAtMs,
          connectingSinceMs,
          clinicDown,
          fruitlessResumes: fruitless,
        });
        if (!stuck || !current) return;
        resumes += 1;
        if (newestAtResume !== null) fruitless += 1;
        newestAtResume = newest;
        current.giveUp();
      }, everyMs);
      return () => clearInterval(timer);
    },
  };
}
