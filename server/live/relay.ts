// The live relay's memory and fan-out: for every bed of every connected workstation, the latest
// snapshot, numerics, alarms and devices (so a viewer that opens late starts complete), and the
// viewers following it. Everything arrives through the broker, from this instance's workstations
// and every other instance's alike; so does a bed's auscultation audio, passed to whoever listens
// now and kept by nobody. A workstation that goes away leaves its beds marked offline,
// with the time of their last data: a viewer is told, never left looking at a frozen trace.
import type { BedLiveEvent } from '../../shared/api/contract';
import type {
  Bed,
  BedOffline,
  BedSite,
  DeviceStatus,
  WaveformChannel,
} from '../../shared/model/schemas';
import { primaryWaveform } from '../../shared/model/waveforms';
import type { LiveBroker } from './broker';
import { RelayMessage } from './relay-message';
import type { UpdateChannel, UpdatePlatform } from '../../shared/update/release';

/** A release published or a channel's settings changed: which feed to read again. */
export interface UpdateFeedChange {
  channel: UpdateChannel;
  platform: UpdatePlatform;
}
import type { AuscultationFrame } from '../../shared/telehealth/audio';

export type LiveWaveforms = 'all' | 'primary';

/** Gets a bed's events; `text` is the event's JSON, made once for all viewers alike. */
export type LiveDelivery = (event: BedLiveEvent, text: string) => void;

export interface LiveRelayOptions {
  broker: LiveBroker;
  /** This instance, to tell its own workstations from others'. */
  instanceId: string;
  log?: (message: string) => void;
  now?: () => number;
  /** How often this instance says which workstations it holds (a heartbeat for the others). */
  heartbeatMs?: number;
  /** A workstation no instance has spoken for in this long is offline (its instance died). */
  presenceTimeoutMs?: number;
}

interface WorkstationEntry {
  site: BedSite;
  session: string;
  instanceId: string;
  lastSeenMs: number;
  offline: boolean;
  bedIds: Set<string>;
}

interface BedEntry {
  id: string;
  workstationId: string;
  bed: Bed;
  devices: Map<string, DeviceStatus>;
  channels: WaveformChannel[];
  /** deviceId + channel of the wave a central tile draws. */
  primary: string | null;
  snapshotSeen: boolean;
  lastDataMs: number | null;
  offline: BedOffline | null;
  viewers: Set<Viewer>;
}

interface Viewer {
  waveforms: LiveWaveforms;
  deliver: LiveDelivery;
}

/** What this instance holds for one of its own workstations, to replay and to repeat. */
interface OwnedWorkstation {
  site: BedSite;
  session: string;
  beds: Bed[];
}

const HEARTBEAT_MS = 5_000;
const PRESENCE_TIMEOUT_MS = 15_000;

const channelKey = (deviceId: string, channel: string) => `${deviceId}\u0000${channel}`;

export class LiveRelay {
  private readonly workstations = new Map<string, WorkstationEntry>();
  private readonly beds = new Map<string, BedEntry>();
  private readonly owned = new Map<string, OwnedWorkstation>();
  /**
   * Viewers of beds that left the relay's list while they watched (a workstation reconnecting
   * announces itself before its beds): they follow the bed again when it comes back.
   */
  private readonly waitingViewers = new Map<string, Set<Viewer>>();
  /** Telehealth ears by namespaced bed id: they outlive the bed's entry (offline, back). */
  private readonly audioListeners = new Map<string, Set<(frame: AuscultationFrame) => void>>();
  private readonly timers: Array<ReturnType<typeof setInterval>> = [];
  private readonly log: (message: string) => void;
  private readonly now: () => number;
  private closed = false;
  /** This instance's workstation door, told of update-feed changes heard from any instance. */
  private readonly feedListeners = new Set<(change: UpdateFeedChange) => void>();

  constructor(private readonly options: LiveRelayOptions) {
    this.log = options.log ?? ((message) => console.error(message));
    this.now = options.now ?? Date.now;
  }

  start(): this {
    this.options.broker.subscribe((message) => {
      try {
        this.apply(message);
      } catch (error) {
        this.log(`live: a ${message.kind} message could not be applied: ${String(error)}`);
      }
    });
    const heartbeatMs = this.options.heartbeatMs ?? HEARTBEAT_MS;
    this.timers.push(
      setInterval(() => this.heartbeat(), heartbeatMs),
      setInterval(() => this.checkPresence(), heartbeatMs),
    );
    // Instances that were there first replay what they hold.
    this.options.broker.publish({ kind: 'state-request', instanceId: this.options.instanceId });
    return this;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    // Its workstations are cut with the instance: the others mark them offline at once.
    for (const [workstationId, owned] of this.owned)
      this.publish({ kind: 'offline', workstationId, session: owned.session, atMs: this.now() });
    this.owned.clear();
  }

  // ——— From this instance's workstation sockets ———

  /** A workstation's live socket was accepted here (its beds follow). */
  workstationConnected(site: BedSite, session: string): void {
    this.owned.set(site.workstationId, { site, session, beds: [] });
    this.announce(site.workstationId);
  }

  /** The workstation's bed list, its ids already namespaced. */
  workstationBeds(workstationId: string, beds: Bed[]): void {
    const owned = this.owned.get(workstationId);
    if (!owned) return;
    owned.beds = beds;
    this.announce(workstationId);
  }

  /** One event of one of the workstation's beds, ids already namespaced. */
  workstationEvent(workstationId: string, bedId: string, event: BedLiveEvent): void {
    if (!this.owned.has(workstationId)) return;
    this.publish({ kind: 'bed', workstationId, bedId, event, atMs: this.now() });
  }

  /** A bed's auscultation frames, its id already namespaced; dropped when nobody listens. */
  workstationAudio(workstationId: string, bedId: string, frames: AuscultationFrame[]): void {
    if (!this.owned.has(workstationId) || frames.length === 0) return;
    this.publish({ kind: 'audio', workstationId, bedId, frames, atMs: this.now() });
  }

  workstationDisconnected(workstationId: string, session: string, revoked = false): void {
    const owned = this.owned.get(workstationId);
    if (!owned || owned.session !== session) return;
    this.owned.delete(workstationId);
    this.publish({
      kind: 'offline',
      workstationId,
      session,
      atMs: this.now(),
      ...(revoked ? { revoked } : {}),
    });
  }

  // ——— For viewers ———

  /** Every bed the relay knows, with its unit and workstation, and offline when it is. */
  listBeds(): Bed[] {
    return [...this.beds.values()].map((entry) => this.bedOf(entry));
  }

  hasBed(bedId: string): boolean {
    return this.beds.has(bedId);
  }

  /**
   * A telehealth viewer's ear on a bed's live auscultation (shared/telehealth/audio.ts): every
   * frame the bed's workstation sends from now on, from whichever instance holds it. Nothing is
   * kept: a frame nobody listens to is gone.
   */
  subscribeAudio(bedId: string, listener: (frame: AuscultationFrame) => void): () => void {
    let listeners = this.audioListeners.get(bedId);
    if (!listeners) {
      listeners = new Set();
      this.audioListeners.set(bedId, listeners);
    }
    // Each subscription is its own, even when the same function listens twice.
    const own = (frame: AuscultationFrame) => listener(frame);
    listeners.add(own);
    return () => {
      const now = this.audioListeners.get(bedId);
      if (!now) return;
      now.delete(own);
      if (now.size === 0) this.audioListeners.delete(bedId);
    };
  }

  /**
   * Follows one bed: a snapshot at once (the latest of everything), then its events. Returns
   * the unsubscribe, or null for a bed the relay does not know.
   */
  subscribe(bedId: string, waveforms: LiveWaveforms, deliver: LiveDelivery): (() => void) | null {
    const entry = this.beds.get(bedId);
    if (!entry) return null;
    const viewer: Viewer = { waveforms, deliver };
    const snapshot = this.snapshotOf(entry);
    deliver(snapshot, JSON.stringify(snapshot));
    // The set goes with the bed if it leaves the list and comes back (waitingViewers).
    const viewers = entry.viewers;
    viewers.add(viewer);
    return () => {
      viewers.delete(viewer);
      if (viewers.size === 0 && this.waitingViewers.get(bedId) === viewers)
        this.waitingViewers.delete(bedId);
    };
  }

  /** Counts for a status line and the tests. */
  stats(): {
    workstations: number;
    online: number;
    beds: number;
    viewers: number;
    audioListeners: number;
  } {
    let viewers = 0;
    for (const entry of this.beds.values()) viewers += entry.viewers.size;
    let audioListeners = 0;
    for (const listeners of this.audioListeners.values()) audioListeners += listeners.size;
    return {
      workstations: this.workstations.size,
      online: [...this.workstations.values()].filter((w) => !w.offline).length,
      beds: this.beds.size,
      viewers,
      audioListeners,
    };
  }

  /** IT changed a feed (on this instance): every instance tells its connected workstations. */
  updateFeedChanged(change: UpdateFeedChange): void {
    if (this.closed) return;
    this.publish({ kind: 'update-feed', ...change, atMs: this.now() });
  }

  /** Called on every update-feed change heard through the broker. Returns the unsubscribe. */
  onUpdateFeed(listener: (change: UpdateFeedChange) => void): () => void {
    this.feedListeners.add(listener);
    return () => this.feedListeners.delete(listener);
  }

  // ——— What the broker brings ———

  private publish(message: RelayMessage): void {
    this.options.broker.publish(message);
  }

  private announce(workstationId: string): void {
    const owned = this.owned.get(workstationId);
    if (!owned || this.closed) return;
    this.publish({
      kind: 'workstation',
      instanceId: this.options.instanceId,
      session: owned.session,
      site: owned.site,
      beds: owned.beds,
      atMs: this.now(),
    });
  }

  private heartbeat(): void {
    for (const workstationId of this.owned.keys()) this.announce(workstationId);
  }

  /** A workstation whose instance stopped speaking for it (it died) is offline. */
  private checkPresence(): void {
    const timeoutMs = this.options.presenceTimeoutMs ?? PRESENCE_TIMEOUT_MS;
    for (const [workstationId, entry] of this.workstations) {
      if (entry.offline || this.now() - entry.lastSeenMs <= timeoutMs) continue;
      this.log(`live: no instance has spoken for ${workstationId} since ${entry.lastSeenMs}`);
      this.markOffline(workstationId, entry.lastSeenMs);
    }
  }

  private apply(message: RelayMessage): void {
    switch (message.kind) {
      case 'workstation':
        return this.applyWorkstation(message);
      case 'bed':
        return this.applyBedEvent(message);
      case 'audio':
        return this.applyAudio(message);
      case 'offline': {
        const entry = this.workstations.get(message.workstationId);
        if (!entry || entry.session !== message.session) return;
        this.markOffline(message.workstationId, message.atMs);
        if (message.revoked) this.forget(message.workstationId);
        return;
      }
      case 'state-request':
        if (message.instanceId !== this.options.instanceId) this.replayState();
        return;
      case 'update-feed':
        return this.applyUpdateFeed(message);
    }
  }

  /** Checked in full (it goes on to every workstation), then passed to this instance's door. */
  private applyUpdateFeed(message: RelayMessage): void {
    const checked = RelayMessage.safeParse(message);
    if (!checked.success || checked.data.kind !== 'update-feed') {
      this.log('live: an update-feed message of the wrong shape was ignored');
      return;
    }
    const change = { channel: checked.data.channel, platform: checked.data.platform };
    for (const listener of this.feedListeners) {
      try {
        listener(change);
      } catch (error) {
        this.log(`live: the update-feed notice could not be passed on: ${String(error)}`);
      }
    }
  }

  private applyWorkstation(message: Extract<RelayMessage, { kind: 'workstation' }>): void {
    const { site, session, instanceId } = message;
    const workstationId = site.workstationId;
    let entry = this.workstations.get(workstationId);
    if (!entry) {
      entry = {
        site,
        session,
        instanceId,
        lastSeenMs: message.atMs,
        offline: false,
        bedIds: new Set(),
      };
      this.workstations.set(workstationId, entry);
    }
    entry.site = site;
    entry.session = session;
    entry.instanceId = instanceId;
    entry.lastSeenMs = Math.max(entry.lastSeenMs, this.now());
    entry.offline = false;
    const listed = new Set<string>();
    for (const bed of message.beds) {
      listed.add(bed.id);
      let bedEntry = this.beds.get(bed.id);
      if (!bedEntry) {
        bedEntry = this.addBed(bed, workstationId);
      } else if (!bedEntry.snapshotSeen) {
        bedEntry.bed = bed;
      } else {
        // The list's numerics and alarms may be older than the stream's: only who and what.
        bedEntry.bed = {
          ...bedEntry.bed,
          label: bed.label,
          patient: bed.patient,
          deviceIds: bed.deviceIds,
        };
      }
      if (bedEntry.offline) {
        bedEntry.offline = null;
        this.sendSnapshot(bedEntry);
      }
    }
    for (const bedId of entry.bedIds) {
      if (!listed.has(bedId)) this.dropBed(bedId);
    }
    entry.bedIds = listed;
  }

  private applyBedEvent(message: Extract<RelayMessage, { kind: 'bed' }>): void {
    const workstation = this.workstations.get(message.workstationId);
    let entry = this.beds.get(message.bedId);
    const { event } = message;
    if (!entry) {
      // A replay (or the first snapshot) can come before this instance heard the bed list.
      if (event.type !== 'snapshot' || !workstation) return;
      entry = this.addBed(event.bed, message.workstationId);
      workstation.bedIds.add(entry.id);
    }
    if (workstation) workstation.lastSeenMs = Math.max(workstation.lastSeenMs, this.now());
    if (message.state && entry.snapshotSeen) return; // this instance knows better already
    switch (event.type) {
      case 'snapshot':
        entry.bed = event.bed;
        entry.devices = new Map(event.devices.map((device) => [device.id, device]));
        entry.channels = event.channels;
        entry.snapshotSeen = true;
        entry.offline = null;
        {
          const primary = primaryWaveform(event.channels);
          entry.primary = primary ? channelKey(primary.deviceId, primary.refId) : null;
        }
        if (message.state && message.lastDataMs !== undefined)
          entry.lastDataMs = message.lastDataMs;
        // Viewers get the relay's own snapshot (with the bed's unit and workstation).
        return this.sendSnapshot(entry);
      case 'numeric':
        entry.bed = {
          ...entry.bed,
          numerics: { ...entry.bed.numerics, [event.refId]: event.numeric },
        };
        entry.lastDataMs = message.atMs;
        break;
      case 'alarms':
        entry.bed = {
          ...entry.bed,
          alarms: event.alarms,
          alarmAudio: event.audio,
          alarmsOff: event.off,
          alarmSettings: event.settings,
        };
        break;
      case 'device':
        entry.devices.set(event.device.id, event.device);
        break;
      case 'news2':
        entry.bed = { ...entry.bed, news2: event.news2 };
        break;
      case 'samples':
        entry.lastDataMs = message.atMs;
        return this.sendSamples(entry, event);
    }
    this.sendToAll(entry, event);
  }

  /** Frames to the bed's listeners now; a bed id that is not the workstation's is not heard. */
  private applyAudio(message: Extract<RelayMessage, { kind: 'audio' }>): void {
    const listeners = this.audioListeners.get(message.bedId);
    if (!listeners || listeners.size === 0) return;
    if (!message.bedId.startsWith(`${message.workstationId}/`)) {
      this.log(`live: audio from ${message.workstationId} for ${message.bedId} ignored`);
      return;
    }
    for (const frame of message.frames) {
      for (const listener of [...listeners]) {
        try {
          listener(frame);
        } catch (error) {
          this.log(`live: an audio frame was not delivered to a listener: ${String(error)}`);
        }
      }
    }
  }

  /** A bed new to the relay, followed at once by the viewers that waited for it. */
  private addBed(bed: Bed, workstationId: string): BedEntry {
    const entry = newBedEntry(bed, workstationId);
    const waiting = this.waitingViewers.get(entry.id);
    if (waiting) {
      this.waitingViewers.delete(entry.id);
      entry.viewers = waiting;
    }
    this.beds.set(entry.id, entry);
    return entry;
  }

  /** A bed off the workstation's list: its viewers wait for it (they are told when it is back). */
  private dropBed(bedId: string): void {
    const entry = this.beds.get(bedId);
    this.beds.delete(bedId);
    if (entry && entry.viewers.size > 0) this.waitingViewers.set(bedId, entry.viewers);
  }

  private markOffline(workstationId: string, sinceMs: number): void {
    const workstation = this.workstations.get(workstationId);
    if (!workstation) return;
    workstation.offline = true;
    for (const bedId of workstation.bedIds) {
      const entry = this.beds.get(bedId);
      if (!entry) continue;
      entry.offline = { sinceMs, lastDataMs: entry.lastDataMs };
      this.sendSnapshot(entry);
    }
  }

  /** A revoked workstation's beds leave the station (viewers were told it is offline). */
  private forget(workstationId: string): void {
    const workstation = this.workstations.get(workstationId);
    if (!workstation) return;
    for (const bedId of workstation.bedIds) this.beds.delete(bedId);
    this.workstations.delete(workstationId);
  }

  /** For an instance that has just started: everything this one holds of its own workstations. */
  private replayState(): void {
    for (const [workstationId, owned] of this.owned) {
      this.announce(workstationId);
      for (const bed of owned.beds) {
        const entry = this.beds.get(bed.id);
        if (!entry?.snapshotSeen) continue;
        this.publish({
          kind: 'bed',
          workstationId,
          bedId: entry.id,
          event: { ...this.snapshotOf(entry), bed: entry.bed },
          atMs: this.now(),
          state: true,
          lastDataMs: entry.lastDataMs,
        });
      }
    }
  }

  // ——— To viewers ———

  private bedOf(entry: BedEntry): Bed {
    const site = this.workstations.get(entry.workstationId)?.site;
    return {
      ...entry.bed,
      ...(site ? { site } : {}),
      ...(entry.offline ? { offline: entry.offline } : {}),
    };
  }

  private snapshotOf(entry: BedEntry): Extract<BedLiveEvent, { type: 'snapshot' }> {
    return {
      type: 'snapshot',
      bed: this.bedOf(entry),
      devices: [...entry.devices.values()],
      channels: entry.channels,
    };
  }

  private sendSnapshot(entry: BedEntry): void {
    if (entry.viewers.size === 0) return;
    this.sendToAll(entry, this.snapshotOf(entry));
  }

  private sendToAll(entry: BedEntry, event: BedLiveEvent): void {
    if (entry.viewers.size === 0) return;
    const text = JSON.stringify(event);
    for (const viewer of entry.viewers) this.deliver(viewer, event, text);
  }

  /** Samples: every channel to a bedside, the tile's wave only to a central tile. */
  private sendSamples(entry: BedEntry, event: Extract<BedLiveEvent, { type: 'samples' }>): void {
    if (entry.viewers.size === 0) return;
    let all: string | null = null;
    let primary: { event: BedLiveEvent; text: string } | null | undefined;
    for (const viewer of entry.viewers) {
      if (viewer.waveforms === 'all') {
        all ??= JSON.stringify(event);
        this.deliver(viewer, event, all);
        continue;
      }
      if (primary === undefined) {
        const blocks = event.blocks.filter(
          (block) => channelKey(block.deviceId, block.channel) === entry.primary,
        );
        const only: BedLiveEvent = { type: 'samples', blocks };
        primary = blocks.length === 0 ? null : { event: only, text: JSON.stringify(only) };
      }
      if (primary) this.deliver(viewer, primary.event, primary.text);
    }
  }

  /** One viewer's failure is its own. */
  private deliver(viewer: Viewer, event: BedLiveEvent, text: string): void {
    try {
      viewer.deliver(event, text);
    } catch (error) {
      this.log(`live: an event was not delivered to a viewer: ${String(error)}`);
    }
  }
}

function newBedEntry(bed: Bed, workstationId: string): BedEntry {
  return {
    id: bed.id,
    workstationId,
    bed,
    devices: new Map(),
    channels: [],
    primary: null,
    snapshotSeen: false,
    lastDataMs: null,
    offline: null,
    viewers: new Set(),
  };
}
