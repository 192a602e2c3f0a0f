// The WorkstationBridge over one WebSocket (browser shell, remote viewers, e2e tests). Requests and
// streams share the socket, told apart by ids this side chooses. When the socket drops, waiting
// requests fail and open streams hear about it; the bridge then reconnects with backoff and
// re-subscribes every open stream (the host answers each subscribe with a fresh snapshot).
import type { StreamHandlers, WorkstationBridge } from '../../../shared/api/bridge';
import type { ApiErrorShape } from '../../../shared/api/errors';
import { ServerMessage, serverMessagesIn, type ClientMessage } from '../../../shared/api/wire';
import { MAX_RAW_CAPTURE_SECONDS } from '../../../shared/api/contract-devices';
import { strings } from '../strings';

/** The part of the DOM WebSocket the bridge uses, so tests can hand in a fake. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(): void;
}

export interface WebSocketBridgeOptions {
  openSocket?: (url: string) => SocketLike;
  requestTimeoutMs?: number;
  /** Reconnect delays grow from the first to the last, then stay at the last. */
  backoffMs?: { firstMs: number; maxMs: number };
  /**
   * A request sent first on every (re)connection, before anything waiting and before the streams
   * subscribe again (the host handles a socket's messages in order): resuming this tab's sign-in.
   * Null: nothing to send this time.
   */
  greeting?: () => Greeting | null;
  /**
   * Told of every close with the server's code and reason (a telehealth viewer's socket is ended
   * for good with one: VIEWER_CLOSE). Answering 'stop' ends the bridge: no reconnection, and
   * every request, waiting or later, fails with the reason.
   */
  onClose?: (close: SocketClose) => 'reconnect' | 'stop';
}

/** A close event's code and reason (1006 and no reason when the event carries none). */
export interface SocketClose {
  code: number;
  reason: string;
}

export interface Greeting {
  method: string;
  params: unknown;
  /** Its answer; a refusal or a lost connection is not reported (the streams tell the state). */
  answered?: (result: unknown) => void;
}

const SOCKET_OPEN = 1;

interface PendingRequest {
  message: ClientMessage;
  resolve(result: unknown): void;
  reject(error: ApiErrorShape): void;
  timer: ReturnType<typeof setTimeout>;
}

interface OpenStream {
  message: ClientMessage;
  handlers: StreamHandlers;
  /** Already told the connection is down; told again only after it was back. */
  toldLost: boolean;
}

export function createWebSocketBridge(
  url: string,
  options: WebSocketBridgeOptions = {},
): WorkstationBridge {
  const openSocket =
    options.openSocket ?? ((target: string) => new WebSocket(target) as unknown as SocketLike);
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  const backoff = options.backoffMs ?? { firstMs: 250, maxMs: 10_000 };

  const pending = new Map<number, PendingRequest>();
  const streams = new Map<number, OpenStream>();
  let nextId = 1;
  let socket: SocketLike | null = null;
  let failedAttempts = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  /** Set when onClose answered 'stop': the sentence every request fails with from then on. */
  let stoppedWith: string | null = null;

  function connect(): void {
    reconnectTimer = null;
    const ws = openSocket(url);
    socket = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      failedAttempts = 0;
      // Whatever is still waiting was never sent: every close rejects what was in flight.
      const waiting = [...pending.values()];
      sendGreeting(ws);
      for (const request of waiting) ws.send(JSON.stringify(request.message));
      for (const stream of streams.values()) {
        stream.toldLost = false;
        ws.send(JSON.stringify(stream.message));
      }
    };
    ws.onmessage = (event) => receive(event.data);
    ws.onerror = () => {}; // a close event always follows and does the work
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      const close = closeOf(event);
      if (options.onClose?.(close) === 'stop') {
        stoppedWith = close.reason || strings.connectionLost;
        connectionLost(stoppedWith);
        return;
      }
      connectionLost(opened ? strings.connectionLost : strings.cannotConnect);
      scheduleReconnect();
    };
  }

  function sendGreeting(ws: SocketLike): void {
    let greeting: Greeting | null;
    try {
      greeting = options.greeting?.() ?? null;
    } catch {
      greeting = null; // storage unreadable: connect as a new screen
    }
    if (!greeting) return;
    const id = nextId++;
    const message: ClientMessage = {
      type: 'request',
      id,
      method: greeting.method,
      params: greeting.params,
    };
    const answered = greeting.answered;
    const timer = setTimeout(() => pending.delete(id), requestTimeoutMs);
    pending.set(id, {
      message,
      resolve: (result) => answered?.(result),
      reject: () => {},
      timer,
    });
    ws.send(JSON.stringify(message));
  }

  function scheduleReconnect(): void {
    const delayMs = Math.min(backoff.maxMs, backoff.firstMs * 2 ** failedAttempts);
    failedAttempts += 1;
    // Jitter keeps many viewers from reconnecting in lockstep after a host restart.
    reconnectTimer = setTimeout(connect, delayMs * (0.75 + Math.random() * 0.5));
  }

  function closeOf(event: unknown): SocketClose {
    const { code, reason } = (event ?? {}) as { code?: unknown; reason?: unknown };
    return {
      code: typeof code === 'number' ? code : 1006,
      reason: typeof reason === 'string' ? reason : '',
    };
  }

  function connectionLost(message: string): void {
    for (const [id, request] of pending) {
      clearTimeout(request.timer);
      pending.delete(id);
      request.reject({ code: 'internal', message } satisfies ApiErrorShape);
    }
    // Streams stay registered: they are re-subscribed when the socket is back.
    const lost: ApiErrorShape = {
      code: 'internal',
      message: stoppedWith ?? strings.connectionLost,
    };
    for (const stream of streams.values()) {
      if (stream.toldLost) continue;
      stream.toldLost = true;
      stream.handlers.onError(lost);
    }
  }

  function send(message: ClientMessage): void {
    if (socket?.readyState === SOCKET_OPEN) socket.send(JSON.stringify(message));
    else if (reconnectTimer !== null) {
      // Someone is waiting for an answer: try now instead of at the end of the backoff.
      clearTimeout(reconnectTimer);
      connect();
    }
  }

  function receive(data: unknown): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(data));
    } catch {
      console.error(`[workstation] ${strings.unreadableMessage}`, data);
      return;
    }
    // The host sends the events of one moment together, as an array of messages.
    for (const one of serverMessagesIn(parsed)) handle(one);
  }

  function handle(parsed: unknown): void {
    const message = ServerMessage.safeParse(parsed);
    if (!message.success) {
      console.error(`[workstation] ${strings.unreadableMessage}`, parsed);
      return;
    }
    const msg = message.data;
    if (msg.type === 'event') {
      streams.get(msg.id)?.handlers.onEvent(msg.event);
      return;
    }
    if (msg.type === 'error' && msg.id === null) {
      console.error(`[workstation] ${msg.error.code}: ${msg.error.message}`);
      return;
    }
    if (msg.id === null) return;
    const request = pending.get(msg.id);
    if (request) {
      pending.delete(msg.id);
      clearTimeout(request.timer);
      if (msg.type === 'response') request.resolve(msg.result);
      else request.reject(msg.error);
      return;
    }
    const stream = streams.get(msg.id);
    if (stream && msg.type === 'error') {
      // The host refused the stream (bad input, unknown bed): it is over for good.
      streams.delete(msg.id);
      stream.handlers.onError(msg.error);
    }
  }

  connect();

  return {
    request(method, params) {
      return new Promise<unknown>((resolve, reject) => {
        if (stoppedWith !== null) {
          reject({ code: 'internal', message: stoppedWith } satisfies ApiErrorShape);
          return;
        }
        const id = nextId++;
        const message: ClientMessage = { type: 'request', id, method, params };
        // A raw capture answers only after the seconds it records.
        const recordingMs = method === 'captureRawBytes' ? MAX_RAW_CAPTURE_SECONDS * 1000 : 0;
        const timer = setTimeout(() => {
          if (!pending.delete(id)) return;
          reject({ code: 'internal', message: strings.requestTimedOut } satisfies ApiErrorShape);
        }, requestTimeoutMs + recordingMs);
        pending.set(id, { message, resolve, reject, timer });
        send(message);
      });
    },

    subscribe(stream, params, handlers) {
      const id = nextId++;
      const message: ClientMessage = { type: 'subscribe', id, stream, params };
      streams.set(id, { message, handlers, toldLost: false });
      send(message);
      return () => {
        if (streams.delete(id) && socket?.readyState === SOCKET_OPEN) {
          socket.send(JSON.stringify({ type: 'unsubscribe', id } satisfies ClientMessage));
        }
      };
    },
  };
}
