// The in-process bus: producers publish, consumers subscribe, nobody reaches into anyone else.
// Dispatch is synchronous and in subscription order; a failing subscriber is logged and isolated
// so one broken consumer cannot starve the store or the alarms.
import type { Alarm, DeviceStatus, Numeric, SampleBlock } from '../../shared/model/schemas';
import type { AlarmAudio, AlarmOff, BedAlarmSettings } from '../../shared/model/alarms';
import type { News2Status } from '../../shared/model/news2';
import type { AlarmLogEntry } from './alarms/alarm-system';

export interface BedAlarmView {
  alarms: Alarm[];
  audio: AlarmAudio;
  off: AlarmOff[];
  settings: BedAlarmSettings;
}

export interface BusTopics {
  samples: SampleBlock;
  /** `stored`: already in the store (a reading downloaded from a device's memory). */
  numeric: { bedId: string; deviceId: string; refId: string; numeric: Numeric; stored?: boolean };
  device: DeviceStatus;
  /** The technical and alarm flags a device reports, when they change (all of them). */
  flags: { bedId: string; deviceId: string; flags: string[]; at: number };
  /** The bed's whole alarm state after any change, with the log entries that changed it. */
  alarms: { bedId: string; log: AlarmLogEntry[] } & BedAlarmView;
  /** Beats the classifier did not call normal, as they are classified (signals/bed-signals.ts). */
  beats: { bedId: string; beats: { atMs: number; beatClass: 'S' | 'V' | 'F' | 'Q' }[] };
  /** The bed's early warning score changed (news2/news2-monitor.ts). */
  news2: { bedId: string; news2: News2Status | null };
  /** A device joined or left the bed: its live views need a fresh snapshot. */
  bed: { bedId: string };
}

type Listener<T> = (payload: T) => void;

export class Bus {
  // Keyed by topic; on() and emit() keep each set's listener type tied to its topic.
  private readonly listeners = new Map<keyof BusTopics, Set<Listener<never>>>();

  constructor(private readonly log: (message: string, error: unknown) => void = console.error) {}

  on<K extends keyof BusTopics>(topic: K, listener: Listener<BusTopics[K]>): () => void {
    let set = this.listeners.get(topic) as Set<Listener<BusTopics[K]>> | undefined;
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  emit<K extends keyof BusTopics>(topic: K, payload: BusTopics[K]): void {
    const set = this.listeners.get(topic) as Set<Listener<BusTopics[K]>> | undefined;
    if (!set) return;
    for (const listener of set) {
      try {
        listener(payload);
      } catch (error) {
        this.log(`bus: a '${topic}' subscriber failed`, error);
      }
    }
  }
}
