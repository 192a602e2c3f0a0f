// Messages of the WebSocket transport. One socket carries many requests and streams, told apart by
// the id the client chose.
import { z } from 'zod';
import { ApiErrorShape } from './errors';

export const ClientMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('request'),
    id: z.number().int(),
    method: z.string(),
    params: z.unknown(),
  }),
  z.object({
    type: z.literal('subscribe'),
    id: z.number().int(),
    stream: z.string(),
    params: z.unknown(),
  }),
  z.object({ type: z.literal('unsubscribe'), id: z.number().int() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('response'), id: z.number().int(), result: z.unknown() }),
  z.object({ type: z.literal('error'), id: z.number().int().nullable(), error: ApiErrorShape }),
  z.object({ type: z.literal('event'), id: z.number().int(), event: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** Path of the WebSocket endpoint in the browser shell. */
export const WS_PATH = '/api/ws';
