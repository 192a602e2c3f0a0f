// The renderer's one client interface. It takes any WorkstationBridge and never knows which
// transport is underneath. Inputs are checked before they leave; results and events are checked
// when they arrive.
import {
  requests,
  streams,
  type RequestInput,
  type RequestName,
  type RequestOutput,
  type StreamEvent,
  type StreamInput,
  type StreamName,
} from './contract';
import type { WorkstationBridge } from './bridge';
import { ApiError, describeIssues, type ApiErrorShape } from './errors';

export interface WorkstationClient {
  request<M extends RequestName>(method: M, params: RequestInput<M>): Promise<RequestOutput<M>>;
  subscribe<S extends StreamName>(
    stream: S,
    params: StreamInput<S>,
    onEvent: (event: StreamEvent<S>) => void,
    onError?: (error: ApiError) => void,
  ): () => void;
}

export function createClient(bridge: WorkstationBridge): WorkstationClient {
  return {
    async request(method, params) {
      const spec = requests[method];
      const input = spec.input.safeParse(params);
      if (!input.success) {
        throw new ApiError('invalid_request', describeIssues(`${method} request`, input.error));
      }
      let raw: unknown;
      try {
        raw = await bridge.request(method, input.data);
      } catch (err) {
        throw err instanceof ApiError ? err : ApiError.from(err);
      }
      const output = spec.output.safeParse(raw);
      if (!output.success) {
        throw new ApiError('internal', describeIssues(`${method} response`, output.error));
      }
      return output.data as RequestOutput<typeof method>;
    },

    subscribe(stream, params, onEvent, onError) {
      const spec = streams[stream];
      const report = (error: ApiError) => {
        if (onError) onError(error);
        else console.error(`[workstation] ${stream}: ${error.message}`);
      };
      const input = spec.input.safeParse(params);
      if (!input.success) {
        report(
          new ApiError('invalid_request', describeIssues(`${stream} subscription`, input.error)),
        );
        return () => {};
      }
      return bridge.subscribe(stream, input.data, {
        onEvent(raw) {
          const event = spec.event.safeParse(raw);
          if (event.success) onEvent(event.data as StreamEvent<typeof stream>);
          else report(new ApiError('internal', describeIssues(`${stream} event`, event.error)));
        },
        onError(shape: ApiErrorShape) {
          report(ApiError.from(shape));
        },
      });
    },
  };
}
