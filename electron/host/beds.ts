// The beds this workstation watches: which devices feed each, the latest numerics, the alarms.
import type { Bed, Numeric, Patient } from '../../shared/model/schemas';
import type { News2Status } from '../../shared/model/news2';
import type { AlarmSettings } from './alarms/limits';
import { AlarmSystem } from './alarms/alarm-system';
import { uuidv7 } from '../../shared/ids';
import type { Bus, BedAlarmView } from './bus';

export class BedState {
  readonly deviceIds: string[] = [];
  readonly numerics = new Map<string, Numeric>();
  readonly alarms: AlarmSystem;
  /** Who is in the bed now (admissions set it; see admissions.ts); null for an empty bed. */
  patient: Patient | null = null;
  /**
   * When that patient came into the bed (admitted, transferred in, or found there at a start), on
   * the alarm clock; null for an empty bed. A reading from then on is theirs (news2-monitor.ts).
   */
  patientSinceMs: number | null = null;
  /** The bed's early warning score as last sent (news2/news2-monitor.ts); null: nothing scored. */
  news2: News2Status | null = null;

  constructor(
    readonly id: string,
    readonly label: string,
    settings: AlarmSettings,
  ) {
    this.alarms = new AlarmSystem(id, settings, () => uuidv7());
  }

  alarmView(): BedAlarmView {
    return {
      alarms: this.alarms.list(),
      audio: this.alarms.audio(),
      off: this.alarms.alarmsOff(),
      settings: this.alarms.alarmSettings(),
    };
  }

  /** Sends what changed in the bed's alarms, if anything did, to the bus (and so the log). */
  publishAlarms(bus: Bus): void {
    const log = this.alarms.drainLog();
    if (log.length > 0) bus.emit('alarms', { bedId: this.id, log, ...this.alarmView() });
  }

  snapshot(): Bed {
    return {
      id: this.id,
      label: this.label,
      deviceIds: [...this.deviceIds],
      numerics: Object.fromEntries(this.numerics),
      alarms: this.alarms.list(),
      alarmAudio: this.alarms.audio(),
      alarmsOff: this.alarms.alarmsOff(),
      alarmSettings: this.alarms.alarmSettings(),
      patient: this.patient,
      news2: this.news2,
    };
  }
}

/**
 * A bed's id follows from its label ("Bed 3" → "bed-3"), so the same bed has the same id after a
 * restart and its stored history stays its own.
 */
export function bedIdFor(label: string, taken: ReadonlySet<string> = new Set()): string {
  const slug = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents off: "Réa" → "rea"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const base = slug.startsWith('bed') ? slug : `bed-${slug || 'unnamed'}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}
