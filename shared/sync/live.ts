// What a workstation's live publisher sends the relay over its WebSocket, and what the relay
// answers. The bed events are the contract's own (shared/api BedLiveEvent), so the hospital
// central station draws them with the workstation's renderer, unchanged.
import { z } from 'zod';
import { BedLiveEvent } from '../api/contract';
import { Bed } from '../model/schemas';

export const LiveFromWorkstation = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    protocol: z.number().int(),
    workstationId: z.string().min(1).max(200),
  }),
  /** The workstation's beds now (sent on connect and on every change of the list). */
  z.object({ type: z.literal('beds'), beds: z.array(Bed).max(256) }),
  /** One bed's live event, as the workstation's own screens receive it. */
  z.object({ type: z.literal('bed'), bedId: z.string().min(1).max(200), event: BedLiveEvent }),
]);
export type LiveFromWorkstation = z.infer<typeof LiveFromWorkstation>;

export const LiveToWorkstation = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), protocol: z.number().int() }),
  /** The relay refuses and closes: the reason says why (revoked, protocol). */
  z.object({ type: z.literal('refused'), error: z.string(), message: z.string() }),
]);
export type LiveToWorkstation = z.infer<typeof LiveToWorkstation>;

/** Bounds of the live socket: a larger message is refused and the socket closed. */
export const MAX_LIVE_MESSAGE_BYTES = 4 * 1024 * 1024;
