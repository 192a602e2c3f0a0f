// One hospital central station's WebSocket: the contract's wire (shared/api/wire.ts), requests and
// streams tagged with the ids the page chose, answered by the central api. A viewer is never
// waited for: what it has not read yet stays in its own bounded queue (the socket's buffer). A
// viewer that falls behind gets numerics, alarms and answers but no waveform samples until it has
// caught up, then everything again; one that stays behind, or whose queue passes the hard bound,
// is cut (its page reconnects to a fresh snapshot). Nobody else notices either.
import type { WebSocket } from 'ws';
import { readClientMessage, type ClientMessage, type ServerMessage } from '../../shared/api/wire';
import { ApiError } from '../../shared/api/errors';
import type { CentralApi } from './central-api';

export interface ViewerLimits {
  /** Past this many bytes waiting, the viewer is dropped to numerics-only (no samples). */
  behindBytes: number;
  /** Back under this many, it gets samples again. */
  caughtUpBytes: number;
  /** Past this many, it is cut at once: its queue is bounded. */
  maxQueuedBytes: number;
  /** A viewer behind for this long has stopped reading: it is cut. */
  stalledMs: number;
  /** Live streams one socket may hold (a central station follows every bed it shows). */
  maxSubscriptions: number;
}

export const VIEWER_LIMITS: ViewerLimits = {
  behindBytes: 1024 * 1024,
  caughtUpBytes: 256 * 1024,
  maxQueuedBytes: 32 * 1024 * 1024,
  stalledMs: 30_000,
  maxSubscriptions: 512,
};

/** What happens to one viewer, for the log, a status page and the tests. */
export interface ViewerState {
  mode: 'full' | 'numerics-only';
  /** Times it was dropped to numerics-only. */
  fellBehind: number;
  droppedSampleEvents: number;
}

export function bindViewerSocket(
  socket: WebSocket,
  api: CentralApi,
  {
    log = console.error,
    limits = VIEWER_LIMITS,
    now = Date.now,
    peer = 'a viewer',
  }: {
    log?: (message: string) => void;
    limits?: ViewerLimits;
    now?: () => number;
    peer?: string;
  } = {},
): ViewerState {
  const state: ViewerState = { mode: 'full', fellBehind: 0, droppedSampleEvents: 0 };
  const subscriptions = new Map<number, () => void>();
  /** Streams still starting (a bed read from the database): ended if unsubscribed meanwhile. */
  const starting = new Set<number>();
  let behindSinceMs: number | null = null;

  socket.on('error', (error) => log(`central: WebSocket of ${peer} failed: ${error.message}`));

  // Events of one turn of the event loop leave as one message (a JSON array), as the workstation's
  // shell sends them: every bed's samples of one moment together.
  let queued: string[] = [];
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    if (queued.length === 0) return;
    const texts = queued;
    queued = [];
    if (socket.readyState !== socket.OPEN) return;
    socket.send(texts.length === 1 ? texts[0]! : `[${texts.join(',')}]`);
  };
  const sendText = (text: string, isEvent: boolean) => {
    if (socket.readyState !== socket.OPEN) return;
    if (isEvent) {
      queued.push(text);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
      return;
    }
    flush(); // an answer never overtakes the events made before it
    socket.send(text);
  };
  const send = (message: ServerMessage) => sendText(JSON.stringify(message), false);
  const sendError = (id: number | null, error: unknown) => {
    const apiError =
      error instanceof ApiError ? error : new ApiError('internal', 'Unexpected error.');
    send({ type: 'error', id, error: apiError.toShape() });
  };

  /** Whether this event goes to the viewer now, judged by how far behind it is. */
  const admits = (event: unknown): boolean => {
    if (socket.readyState !== socket.OPEN) return false;
    const waiting = socket.bufferedAmount;
    if (waiting > limits.maxQueuedBytes) {
      log(`central: ${peer} has ${waiting} bytes waiting; its connection is cut`);
      socket.terminate();
      return false;
    }
    if (state.mode === 'full' && waiting > limits.behindBytes) {
      state.mode = 'numerics-only';
      state.fellBehind += 1;
      behindSinceMs = now();
      log(`central: ${peer} fell behind (${waiting} bytes waiting): numerics and alarms only`);
    } else if (state.mode === 'numerics-only' && waiting <= limits.caughtUpBytes) {
      state.mode = 'full';
      behindSinceMs = null;
      log(`central: ${peer} caught up: waveforms again`);
    }
    if (state.mode === 'numerics-only') {
      if (behindSinceMs !== null && now() - behindSinceMs > limits.stalledMs) {
        log(
          `central: ${peer} has not caught up for ${now() - behindSinceMs} ms; its connection is cut`,
        );
        socket.terminate();
        return false;
      }
      if ((event as { type?: unknown } | null)?.type === 'samples') {
        state.droppedSampleEvents += 1;
        return false;
      }
    }
    return true;
  };

  const emitFor = (id: number) => (event: unknown, text?: string) => {
    if (!admits(event)) return;
    sendText(`{"type":"event","id":${id},"event":${text ?? JSON.stringify(event)}}`, true);
  };

  const stop = (id: number) => {
    starting.delete(id);
    const unsubscribe = subscriptions.get(id);
    subscriptions.delete(id);
    try {
      unsubscribe?.();
    } catch (error) {
      log(`central: stream ${id} of ${peer} did not stop cleanly: ${String(error)}`);
    }
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
        api.request(method, params).then(
          (result) => send({ type: 'response', id, result }),
          (error: unknown) => sendError(id, error),
        );
        return;
      }
      case 'subscribe': {
        const { id } = message;
        stop(id);
        if (subscriptions.size + starting.size >= limits.maxSubscriptions) {
          sendError(
            id,
            new ApiError(
              'invalid_request',
              `At most ${limits.maxSubscriptions} live views can share one connection.`,
            ),
          );
          return;
        }
        starting.add(id);
        api.subscribe(message.stream, message.params, emitFor(id)).then(
          (unsubscribe) => {
            if (!starting.delete(id) || socket.readyState !== socket.OPEN) unsubscribe();
            else subscriptions.set(id, unsubscribe);
          },
          (error: unknown) => {
            if (starting.delete(id)) sendError(id, error);
          },
        );
        return;
      }
      case 'unsubscribe':
        stop(message.id);
        return;
    }
  };

  socket.on('message', (data, isBinary) => {
    try {
      receive(data, isBinary);
    } catch (error) {
      log(`central: a message from ${peer} could not be handled: ${String(error)}`);
    }
  });
  socket.on('close', () => {
    for (const id of [...subscriptions.keys(), ...starting]) stop(id);
  });
  return state;
}
