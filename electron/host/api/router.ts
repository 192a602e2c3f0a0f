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
  log: (message: string, error: unknown) => void = console.error,
): ApiRouter {
  return {
    async request(method, params, caller) {
      if (!isRequestName(method))
        throw new ApiError('unknown_method', `Unknown request "${method}".`);
      const parsed = requests[method].input.safeParse(params ?? {});
      if (!parsed.success)
        throw new ApiError('invalid_request', describeIssues(`${method} request`, parsed.error));
      try {
        const handler = handlers.requests[method] as (input: unknown, caller: Caller) => unknown;
        return await handler(parsed.data, caller);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        log(`api: ${method} failed`, error);
        throw new ApiError(
          'internal',
          `The workstation could not complete "${method}". Details are in its log.`,
        );
      }
    },

    subscribe(stream, params, emit) {
      if (!isStreamName(stream))
        throw new ApiError('unknown_method', `Unknown stream "${stream}".`);
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
      return handler(parsed.data, emit);
    },
  };
}
