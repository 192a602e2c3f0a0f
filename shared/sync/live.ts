// What a workstation's live publisher sends the relay over its WebSocket, and what the relay
// answers. The bed events are the contract's own (shared/api BedLiveEvent), so the hospital
// central station draws them with the workstation's renderer, unchanged.
import { z } from 'zod';
import { BedLiveEvent } from '../api/contract';
import { Bed } from '../model/schemas';
import { AuscultationFrame } from '../telehealth/audio';
import { UpdateChannel, UpdatePlatform } from '../update/release';

/** Frames in one audio message (50 frames of 20 ms: 1 s, the most the remote side may lag). */
export const MAX_AUDIO_FRAMES_PER_MESSAGE = 50;

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
  /**
   * Live auscultation of a bed whose consult is watched (shared/telehealth/audio.ts): a few
   * encoded frames, relayed to the remote clinician and never kept.
   */
  z.object({
    type: z.literal('audio'),
    bedId: z.string().min(1).max(200),
    frames: z.array(AuscultationFrame).min(1).max(MAX_AUDIO_FRAMES_PER_MESSAGE),
  }),
]);
export type LiveFromWorkstation = z.infer<typeof LiveFromWorkstation>;

export const LiveToWorkstation = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), protocol: z.number().int() }),
  /** The relay refuses and closes: the reason says why (revoked, protocol). */
  z.object({ type: z.literal('refused'), error: z.string(), message: z.string() }),
  /**
   * IT published a release, or changed a channel's rollout, minimum or windows: read the update
   * feed now rather than at the next periodic read. It carries nothing to trust: the feed and its
   * signatures decide, so a notice at worst costs one read of a small file.
   */
  z.object({ type: z.literal('update-feed'), channel: UpdateChannel, platform: UpdatePlatform }),
]);
export type LiveToWorkstation = z.infer<typeof LiveToWorkstation>;

/** Bounds of the live socket: a larger message is refused and the socket closed. */
export const MAX_LIVE_MESSAGE_BYTES = 4 * 1024 * 1024;
