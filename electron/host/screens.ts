// The screens open on the workstation and whether any can sound an alarm. Each screen holds one
// `screen` subscription while it is open, saying whether it can sound now (a browser tab cannot
// until someone clicks it); a closed tab or a lost connection ends its subscription, so it stops
// counting by itself. When, for a few seconds, no open screen can sound, every bed with an alarm
// that should sound gets a technical alarm saying so: an alarm nobody can hear is not silent in
// the log, and every screen shows it.
import type { StreamEvent } from '../../shared/api/contract';
import type { AlarmSystem } from './alarms/alarm-system';

export const NO_SCREEN_CAN_SOUND = {
  code: 'WORKSTATION_NO_SOUND',
  priority: 'medium',
  message: 'No open screen can sound alarms — click the banner on a screen to let it sound',
} as const;

/** A reload or a reconnect is not a silent workstation: wait this long before saying so. */
export const NO_SOUND_GRACE_MS = 5000;

type ScreensEvent = StreamEvent<'screen'>;

interface OpenScreen {
  canSound: boolean;
  emit: (event: ScreensEvent) => void;
}

export class Screens {
  private readonly open = new Map<number, OpenScreen>();
  private nextId = 1;
  /** Since when no open screen can sound; null while one can, or before any screen opened. */
  private silentSince: number | null = null;
  /** Beds whose no-sound alarm is raised now. */
  private readonly raised = new Set<string>();

  constructor(
    private readonly now: () => number,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** A screen opened (or said anew whether it can sound); returns what closes it. */
  connect(canSound: boolean, emit: (event: ScreensEvent) => void): () => void {
    const id = this.nextId++;
    this.open.set(id, { canSound, emit });
    this.changed();
    return () => {
      if (this.open.delete(id)) this.changed();
    };
  }

  counts(): ScreensEvent {
    let canSound = 0;
    for (const screen of this.open.values()) if (screen.canSound) canSound += 1;
    return { type: 'screens', open: this.open.size, canSound };
  }

  /**
   * True once no open screen has been able to sound for the grace period. Until a first screen
   * opens the workstation is not judged: a core started without screens (tests, a headless
   * start) has no one to tell, and the first screen to open decides.
   */
  noneCanSound(at: number): boolean {
    return this.silentSince !== null && at - this.silentSince >= NO_SOUND_GRACE_MS;
  }

  /** Raises or ends the no-sound alarm on one bed: raised while it has an alarm nobody can hear. */
  judge(bedId: string, alarms: AlarmSystem, at: number): void {
    const present = this.noneCanSound(at) && hasAlarmToSound(alarms);
    if (!present && !this.raised.has(bedId)) return;
    alarms.observeWorkstation(NO_SCREEN_CAN_SOUND, present, at);
    if (present) this.raised.add(bedId);
    else this.raised.delete(bedId);
  }

  private changed(): void {
    const counts = this.counts();
    if (counts.canSound > 0) this.silentSince = null;
    else this.silentSince ??= this.now();
    this.log(`screens: ${counts.open} open, ${counts.canSound} can sound alarms`);
    for (const screen of this.open.values()) {
      try {
        screen.emit(counts);
      } catch {
        // A screen that cannot be told is closing; its own subscription ends it.
      }
    }
  }
}

/**
 * Whether the bed has an alarm that should be sounding: its audio is on and an alarm other than
 * the no-sound alarm itself is unacknowledged (a paused or switched-off bed is silent on purpose).
 */
export function hasAlarmToSound(alarms: AlarmSystem): boolean {
  if (alarms.audio().mode !== 'on') return false;
  return alarms
    .list()
    .some((alarm) => alarm.code !== NO_SCREEN_CAN_SOUND.code && alarm.state !== 'acknowledged');
}
