// Binds the shared contract to handler functions. Both shells (Electron IPC, the browser shell's
// WebSocket) call the router with untrusted payloads; it validates every input against the
// contract and turns every failure into an ApiError with a sentence a person can act on.
import {
  isRequestName,
  isStreamName,
  requests,
  streams,
  type RequestName,
  type RequestOutput,
  type StreamEvent,
  type StreamName,
} from '../../../shared/api/contract';
import { ApiError, describeIssues } from '../../../shared/api/errors';
import type { z } from 'zod';

export type ApiHandlers = {
  requests: {
    [M in RequestName]: (
      input: z.output<(typeof requests)[M]['input']>,
      caller: Caller,
    ) => Promise<RequestOutput<M>> | RequestOutput<M>;
  };
  streams: {
    [S in StreamName]: (
      input: z.output<(typeof streams)[S]['input']>,
      emit: (event: StreamEvent<S>) => void,
    ) => () => void;
  };
};

/** Who is calling, for the audit trail of actions such as acknowledging an alarm. */
export interface Caller {
  actor: string;
}

export interface ApiRouter {
  request(method: string, params: unknown, caller: Caller): Promise<unknown>;
  /** Starts a stream; throws ApiError for an unknown stream or bad params. Returns the unsubscribe. */
  subscribe(stream: string, params: unknown, emit: (event: unknown) => void): () => void;
}

export function createRouter(
  handlers: ApiHandlers,
  logError: (message: string, error: unknown) => void = console.error,
): ApiRouter {
  // Logging a failure must not fail in turn (an error whose printing throws).
  const log = (message: string, error: unknown) => {
    try {
      logError(message, error);
    } catch {
      logError(message, 'an error that cannot be printed');
    }
  };
  return {
    // Whatever a handler throws answers this request only: an ApiError as it is, anything else
    // as "internal", logged with the request that caused it.
    async request(method, params, caller) {
      try {
        if (!isRequestName(method))
          throw new ApiError('unknown_method', `Unknown request "${method}".`);
        if (holdsNul(params)) throw new ApiError('invalid_request', NUL_REFUSED);
        const parsed = requests[method].input.safeParse(params ?? {});
        if (!parsed.success)
          throw new ApiError('invalid_request', describeIssues(`${method} request`, parsed.error));
        const handler = handlers.requests[method] as (input: unknown, caller: Caller) => unknown;
        return await handler(parsed.data, caller);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        log(`api: ${method} failed (${describeRequest(params)}, by ${caller.actor})`, error);
        throw new ApiError(
          'internal',
          `The workstation could not complete "${method}". Details are in its log.`,
        );
      }
    },

    subscribe(stream, params, emit) {
      if (!isStreamName(stream))
        throw new ApiError('unknown_method', `Unknown stream "${stream}".`);
      if (holdsNul(params)) throw new ApiError('invalid_request', NUL_REFUSED);
      const parsed = streams[stream].input.safeParse(params ?? {});
      if (!parsed.success)
        throw new ApiError(
          'invalid_request',
          describeIssues(`${stream} subscription`, parsed.error),
        );
      const handler = handlers.streams[stream] as (
        input: unknown,
        emit: (event: unknown) => void,
      ) => () => void;
      // An event the transport cannot send is lost for this viewer only, and said once.
      let emitFailed = false;
      const isolatedEmit = (event: unknown) => {
        try {
          emit(event);
        } catch (error) {
          if (!emitFailed) log(`api: ${stream} event not sent (${describeRequest(params)})`, error);
          emitFailed = true;
        }
      };
      try {
        return handler(parsed.data, isolatedEmit);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        log(`api: ${stream} subscription failed (${describeRequest(params)})`, error);
        throw new ApiError(
          'internal',
          `The workstation could not start "${stream}". Details are in its log.`,
        );
      }
    },
  };
}

const NUL_REFUSED =
  'The request has text with a character that cannot be kept (U+0000): remove it and try again.';

/**
 * Whether any text in `params` holds U+0000, which no store column can keep: refused for every
 * request alike, rather than found by each handler's database in turn. Walked without recursion:
 * a message may nest deeply.
 */
export function holdsNul(params: unknown): boolean {
  const pending: unknown[] = [params];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return true;
    } else if (Array.isArray(value)) {
      for (const item of value as unknown[]) pending.push(item); // no spread: a list may be huge
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (key.includes('\u0000')) return true;
        pending.push(inner);
      }
    }
  }
  return false;
}

/** Long enough to name the request in a log line; bulk data (base64) shown by its length only. */
const LOGGED_PARAMS_CHARS = 300;
const LOGGED_STRING_CHARS = 80;

/** The request's params for a log line: never throws, never floods the log. */
export function describeRequest(params: unknown): string {
  try {
    const text = JSON.stringify(params, (_key, value: unknown) =>
      typeof value === 'string' && value.length > LOGGED_STRING_CHARS
        ? `${value.slice(0, LOGGED_STRING_CHARS)}… (${value.length} characters)`
        : typeof value === 'bigint'
          ? `${value}n`
          : value,
    );
    if (text === undefined) return 'params: none';
    return `params: ${text.length > LOGGED_PARAMS_CHARS ? `${text.slice(0, LOGGED_PARAMS_CHARS)}…` : text}`;
  } catch {
    return 'params: unprintable';
  }
}
