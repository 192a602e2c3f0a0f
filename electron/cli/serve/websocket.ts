// The WebSocket transport of the contract: many requests and streams over one socket, each
// tagged with the id the client chose. Every message is validated; a malformed one gets an error
// reply and the socket stays up. Whatever goes wrong on one socket (a protocol error, a reply that
// cannot be sent, a viewer that stops reading) ends that socket at worst, never the workstation.
import type { WebSocket } from 'ws';
import {
  readClientMessage,
  type ClientMessage,
  type ServerMessage,
} from '../../../shared/api/wire';
import { ApiError } from '../../../shared/api/errors';
import type { ApiRouter, Caller } from '../../host/api/router';
import type { AccessScreen } from '../../host/access/access-screen';

/** A viewer that cannot keep up loses waveform samples rather than the workstation's memory. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Live streams one socket may hold: every bed of a full central station, twice over. */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 64;
/** A viewer whose backlog has not drained for this long has stopped reading: it is let go. */
export const STALLED_VIEWER_MS = 30_000;

export interface WebSocketOptions {
  log?: (message: string) => void;
  /** Defaults to STALLED_VIEWER_MS; shorter in tests. */
  stalledViewerMs?: number;
  now?: () => number;
  /**
   * The screen this socket is (signed in or not, locked or not): every request and stream is
   * checked against it, and it is closed with the socket. Without one the socket is trusted
   * (tests of the transport alone).
   */
  screen?: AccessScreen;
}

export function bindWebSocket(
  socket: WebSocket,
  router: ApiRouter,
  actor: string,
  {
    log = console.error,
    stalledViewerMs = STALLED_VIEWER_MS,
    now = Date.now,
    screen,
  }: WebSocketOptions = {},
): void {
  const caller: Caller = screen ? { actor, screen } : { actor };
  if (screen) socket.once('close', () => screen.close());
  const subscriptions = new Map<number, () => void>();
  /** Since when samples have been dropped for this viewer without its backlog draining. */
  let backlogSinceMs: number | null = null;

  // ws reports protocol errors here (invalid UTF-8, a message over the size cap) and then closes
  // the socket with the matching close code (1007, 1009); without a listener the error would end
  // the process.
  socket.on('error', (error) =>
    log(`browser shell: WebSocket of ${actor} failed: ${error.message}`),
  );

  /**
   * Stream events made in one turn of the event loop leave as one WebSocket message (a JSON
   * array): every bed's samples are gathered on the same clock tick (host/api/live-samples.ts),
   * so a central station of 16 or 32 beds gets ~25 messages a second, not one per bed and event.
   */
  let queuedEvents: string[] = [];
  let flushScheduled = false;
  const flushEvents = () => {
    flushScheduled = false;
    if (queuedEvents.length === 0) return;
    const texts = queuedEvents;
    queuedEvents = [];
    if (socket.readyState !== socket.OPEN) return;
    socket.send(texts.length === 1 ? texts[0]! : `[${texts.join(',')}]`);
  };

  const send = (message: ServerMessage) => {
    if (socket.readyState !== socket.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (error) {
      // The router reports a stream's event that cannot be sent, once per stream.
      if (message.type === 'event') throw error;
      log(
        `browser shell: a ${message.type} for id ${message.id} could not be sent: ${errorText(error)}`,
      );
      if (message.type === 'error') return;
      text = JSON.stringify({
        type: 'error',
        id: message.id,
        error: new ApiError('internal', 'The workstation could not send its answer.').toShape(),
      } satisfies ServerMessage);
    }
    if (message.type === 'event') {
      queuedEvents.push(text);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flushEvents);
      }
      return;
    }
    // An answer never overtakes the events made before it.
    flushEvents();
    socket.send(text);
  };
  const sendError = (id: number | null, error: unknown) => {
    const apiError =
      error instanceof ApiError ? error : new ApiError('internal', 'Unexpected error.');
    send({ type: 'error', id, error: apiError.toShape() });
  };
  const stop = (id: number) => {
    const unsubscribe = subscriptions.get(id);
    subscriptions.delete(id);
    try {
      unsubscribe?.();
    } catch (error) {
      log(`browser shell: stream ${id} of ${actor} did not stop cleanly: ${errorText(error)}`);
    }
  };

  /**
   * Samples wait for no one: a viewer behind by more than the cap skips them until it catches up.
   * Other events wait in the queue; a viewer that stays behind for stalledViewerMs is let go.
   */
  const sendEvent = (id: number, event: unknown) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount <= MAX_BUFFERED_BYTES) backlogSinceMs = null;
    else {
      backlogSinceMs ??= now();
      if (now() - backlogSinceMs > stalledViewerMs) {
        log(
          `browser shell: a viewer of ${actor} stopped reading (${socket.bufferedAmount} bytes ` +
            `waiting for ${now() - backlogSinceMs} ms); its connection is closed`,
        );
        // A close frame would wait behind the backlog: the connection is cut, and the viewer
        // reconnects to a fresh snapshot.
        socket.terminate();
        return;
      }
      if ((event as { type?: string } | null)?.type === 'samples') return;
    }
    send({ type: 'event', id, event });
  };

  const receive = (data: unknown, isBinary: boolean) => {
    let message: ClientMessage;
    try {
      message = readClientMessage(data, isBinary);
    } catch (error) {
      sendError(null, error);
      return;
    }

    switch (message.type) {
      case 'request': {
        const { id, method, params } = message;
        // A router may throw before it returns a promise: that is this request's failure too.
        new Promise((resolve) => resolve(router.request(method, params, caller)))
          .then(
            (result) => send({ type: 'response', id, result }),
            (error: unknown) => {
              // The router logs its own failures; one that is not an ApiError came from elsewhere.
              if (!(error instanceof ApiError))
                log(`browser shell: request ${id} (${method}) failed: ${errorText(error)}`);
              sendError(id, error);
            },
          )
          .catch((error: unknown) =>
            log(`browser shell: the answer to request ${id} was lost: ${errorText(error)}`),
          );
        break;
      }
      case 'subscribe': {
        const { id } = message;
        stop(id);
        if (subscriptions.size >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
          sendError(
            id,
            new ApiError(
              'invalid_request',
              `At most ${MAX_SUBSCRIPTIONS_PER_SOCKET} live views can share one connection: close some before opening more.`,
            ),
          );
          break;
        }
        try {
          subscriptions.set(
            id,
            router.subscribe(
              message.stream,
              message.params,
              (event) => sendEvent(id, event),
              caller,
            ),
          );
        } catch (error) {
          sendError(id, error);
        }
        break;
      }
      case 'unsubscribe':
        stop(message.id);
        break;
    }
  };

  socket.on('message', (data, isBinary) => {
    try {
      receive(data, isBinary);
    } catch (error) {
      log(`browser shell: a message from ${actor} could not be handled: ${errorText(error)}`);
      try {
        sendError(null, error);
      } catch {
        // the socket is going away
      }
    }
  });

  socket.on('close', () => {
    for (const id of [...subscriptions.keys()]) stop(id);
  });
}

/** An error for a log line, whatever was thrown (even an object whose getters throw). */
export function errorText(error: unknown): string {
  try {
    return error instanceof Error ? (error.stack ?? error.message) : String(error);
  } catch {
    return 'an error that cannot be printed';
  }
}
