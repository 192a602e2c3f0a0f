// What relay instances tell each other (through NATS, or within one process without it): a
// workstation's presence and bed list, each bed's live events and auscultation audio, a
// workstation gone, and a new instance asking for what the others hold. Bed ids are already namespaced by workstation here
// (`<workstationId>/<bedId>`), so every instance keeps the same keys.
import { z } from 'zod';
import { BedLiveEvent } from '../../shared/api/contract';
import { Bed, BedSite } from '../../shared/model/schemas';
import { AuscultationFrame } from '../../shared/telehealth/audio';
import { UpdateChannel, UpdatePlatform } from '../../shared/update/release';

export const RelayMessage = z.discriminatedUnion('kind', [
  /** The workstation is connected (to `instanceId`), with its beds now; repeated as a heartbeat. */
  z.object({
    kind: z.literal('workstation'),
    instanceId: z.string(),
    session: z.string(),
    site: BedSite,
    beds: z.array(Bed),
    atMs: z.number(),
  }),
  /** One bed's live event. `state`: a replay for instances that joined late, not news. */
  z.object({
    kind: z.literal('bed'),
    workstationId: z.string(),
    bedId: z.string(),
    event: BedLiveEvent,
    atMs: z.number(),
    state: z.boolean().optional(),
    /** With a replay: when the bed's last data arrived (UTC ms), or null. */
    lastDataMs: z.number().nullable().optional(),
  }),
  /**
   * The workstation's live socket closed (on the instance that held it). `revoked`: IT revoked
   * it, so its beds leave the central station rather than stay there offline.
   */
  z.object({
    kind: z.literal('offline'),
    workstationId: z.string(),
    session: z.string(),
    atMs: z.number(),
    revoked: z.boolean().optional(),
  }),
  /**
   * A bed's live auscultation frames (telehealth), for the viewers listening now: never kept,
   * never replayed (stale sound is worse than none).
   */
  z.object({
    kind: z.literal('audio'),
    workstationId: z.string(),
    bedId: z.string(),
    frames: z.array(AuscultationFrame),
    atMs: z.number(),
  }),
  /** A new instance asks the others to replay what they hold. */
  z.object({ kind: z.literal('state-request'), instanceId: z.string() }),
  /**
   * IT published a release or changed a channel's settings (on any instance): every instance
   * tells the workstations connected to it to read the update feed now.
   */
  z.object({
    kind: z.literal('update-feed'),
    channel: UpdateChannel,
    platform: UpdatePlatform,
    atMs: z.number(),
  }),
]);
export type RelayMessage = z.infer<typeof RelayMessage>;

/** The key of a workstation's bed on the central server. */
export function namespacedBedId(workstationId: string, bedId: string): string {
  return `${workstationId}/${bedId}`;
}

/**
 * The bed's ids rewritten from the workstation's own to the central server's. Where the bed is
 * and whether it is offline are the server's to say, never the workstation's.
 */
export function namespacedBed(bed: Bed, workstationId: string): Bed {
  const { site: _site, offline: _offline, ...own } = bed;
  const id = namespacedBedId(workstationId, bed.id);
  return { ...own, id, alarms: bed.alarms.map((alarm) => ({ ...alarm, bedId: id })) };
}

/** The event with every bed id in it namespaced (bed, alarms, devices, sample blocks). */
export function namespacedEvent(event: BedLiveEvent, workstationId: string): BedLiveEvent {
  const bedId = (id: string) => namespacedBedId(workstationId, id);
  switch (event.type) {
    case 'snapshot':
      return {
        ...event,
        bed: namespacedBed(event.bed, workstationId),
        devices: event.devices.map((device) => ({ ...device, bedId: bedId(device.bedId) })),
      };
    case 'samples':
      return {
        type: 'samples',
        blocks: event.blocks.map((block) => ({ ...block, bedId: bedId(block.bedId) })),
      };
    case 'alarms':
      return {
        ...event,
        alarms: event.alarms.map((alarm) => ({ ...alarm, bedId: bedId(alarm.bedId) })),
      };
    case 'device':
      return { ...event, device: { ...event.device, bedId: bedId(event.device.bedId) } };
    case 'numeric':
    case 'news2':
    case 'beats':
      return event;
  }
}

/**
 * The bed ids an event names besides the one it came under: all must be that bed's, or the
 * event speaks for another bed and is refused.
 */
export function bedIdsNamedIn(event: BedLiveEvent): string[] {
  switch (event.type) {
    case 'snapshot':
      return [
        event.bed.id,
        ...event.bed.alarms.map((a) => a.bedId),
        ...event.devices.map((d) => d.bedId),
      ];
    case 'samples':
      return event.blocks.map((block) => block.bedId);
    case 'alarms':
      return event.alarms.map((alarm) => alarm.bedId);
    case 'device':
      return [event.device.bedId];
    case 'numeric':
    case 'news2':
    case 'beats':
      return [];
  }
}
