// Messages of the WebSocket transport. One socket carries many requests and streams, told apart by
// the id the client chose.
import { z } from 'zod';
import { ApiError, ApiErrorShape, describeIssues } from './errors';
import { requests, streams } from './contract';
import { maxRequestMessageBytes } from './message-size';

/** Request and stream names are short; a longer one is not worth echoing back. */
const MAX_NAME_CHARS = 100;

export const ClientMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('request'),
    id: z.number().int(),
    method: z.string().max(MAX_NAME_CHARS),
    params: z.unknown(),
  }),
  z.object({
    type: z.literal('subscribe'),
    id: z.number().int(),
    stream: z.string().max(MAX_NAME_CHARS),
    params: z.unknown(),
  }),
  z.object({ type: z.literal('unsubscribe'), id: z.number().int() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

/**
 * One WebSocket message from a client, read as the contract's envelope. Whatever else arrives
 * (binary, not JSON, not an envelope) throws an ApiError that says what is wrong with it; both
 * hosts of the contract (the browser shell, the central server) answer it as an error of no id.
 */
export function readClientMessage(data: unknown, isBinary: boolean): ClientMessage {
  if (isBinary)
    throw new ApiError('invalid_request', 'Binary messages are not part of the contract.');
  let json: unknown;
  try {
    json = JSON.parse(String(data));
  } catch {
    throw new ApiError('invalid_request', 'Message is not valid JSON.');
  }
  const parsed = ClientMessage.safeParse(json);
  if (!parsed.success)
    throw new ApiError('invalid_request', describeIssues('message', parsed.error));
  return parsed.data;
}

export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('response'), id: z.number().int(), result: z.unknown() }),
  z.object({ type: z.literal('error'), id: z.number().int().nullable(), error: ApiErrorShape }),
  z.object({ type: z.literal('event'), id: z.number().int(), event: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/**
 * The messages in one parsed WebSocket message from the host: a ServerMessage, or the stream
 * events of one moment together as an array of them (electron/cli/serve/websocket.ts).
 */
export function serverMessagesIn(parsed: unknown): unknown[] {
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** Path of the WebSocket endpoint in the browser shell. */
export const WS_PATH = '/api/ws';

/**
 * The largest message a client may send, over the WebSocket or as an HTTP body: the contract's
 * largest request (a WFDB record, a stethoscope recording) with room for its envelope. Read from
 * the contract's limits, so a request the contract accepts always fits in either transport.
 */
export const MAX_CLIENT_MESSAGE_BYTES = maxRequestMessageBytes([
  ...Object.values(requests).map((request) => request.input),
  ...Object.values(streams).map((stream) => stream.input),
]);
