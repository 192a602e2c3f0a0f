// What a transport must provide. The Electron preload implements it over IPC and MessagePorts;
// the browser shell's WebSocket adapter implements it too. Payloads here are untyped on purpose:
// the typed client (client.ts) validates everything that comes through.
import type { ApiErrorShape } from './errors';

export interface StreamHandlers {
  onEvent(event: unknown): void;
  /** The stream ended with an error (bad input, host gone); no more events follow. */
  onError(error: ApiErrorShape): void;
}

export interface WorkstationBridge {
  /** Resolves with the raw result, or rejects with an ApiErrorShape-like value. */
  request(method: string, params: unknown): Promise<unknown>;
  /** Returns a function that ends the subscription. */
  subscribe(stream: string, params: unknown, handlers: StreamHandlers): () => void;
}
