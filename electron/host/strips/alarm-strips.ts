// Automatic alarm strips: when a high-priority alarm is raised (or escalates to high), a strip of
// 10 s before and 10 s after it is printed once those 10 s after have reached the store. Once per
// alarm, however often it is seen (and the store refuses a second one for the same alarm too). A
// strip lost to a dying strip worker is printed again, once.
import { ALARM_STRIP_HALF_S } from '../../../shared/api/contract-strips';
import type { Numeric } from '../../../shared/model/schemas';
import type { AlarmLogEntry } from '../alarms/alarm-system';
import type { StoredStrip } from '../store/client';
import type { BedState } from '../beds';
import {
  printStrip,
  stripPatientOf,
  type StripPatient,
  type StripRequest,
  type StripStore,
} from './strip-printer';
import type { StripRenderer } from './strip-renderer';
import { wasInterrupted } from './strip-interrupted';

/** Time for the samples of the last 10 s to arrive from the device and be queued for the store. */
export const ARRIVAL_ALLOWANCE_MS = 1_500;
/** Alarms remembered as having their strip; older ones are forgotten (an id never comes back). */
const REMEMBERED_ALARMS = 10_000;

export interface AlarmStripTimers {
  now(): number;
  setTimeout(run: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface AlarmStripOptions {
  /** What the bed looks like now: its label, patient and numerics (at the alarm). */
  bedOf(bedId: string): {
    label: string;
    patient: StripPatient | null;
    numerics: Readonly<Record<string, Numeric>>;
  } | null;
  print(request: StripRequest): Promise<StoredStrip | null>;
  log(message: string): void;
  timers?: AlarmStripTimers;
  /**
   * Readies the printer (starts the strip worker, which reads its fonts and warms up in its own
   * thread) once, `warmUpAfterMs` after the start, so the first alarm strip does not wait for it.
   */
  warmUp?: () => Promise<void>;
  warmUpAfterMs?: number;
}

/**
 * Long enough that a workstation that only starts and stops (tests, a restart) never spends the
 * worker's seconds of CPU on a busy machine.
 */
export const WARM_UP_AFTER_MS = 30_000;

const systemTimers: AlarmStripTimers = {
  now: () => Date.now(),
  // Unref'd: a pending strip never keeps a stopping process alive.
  setTimeout: (run, delayMs) => setTimeout(run, delayMs).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class AlarmStrips {
  readonly #options: AlarmStripOptions;
  readonly #timers: AlarmStripTimers;
  readonly #scheduled = new Set<string>();
  readonly #pending = new Map<string, unknown>();
  readonly #printing = new Set<Promise<unknown>>();
  #stopped = false;
  #warmUp: unknown = null;

  constructor(options: AlarmStripOptions) {
    this.#options = options;
    this.#timers = options.timers ?? systemTimers;
    const { warmUp } = options;
    if (warmUp) {
      this.#warmUp = this.#timers.setTimeout(() => {
        this.#warmUp = null;
        warmUp().catch((error: unknown) =>
          this.#options.log(
            `Strips cannot be printed: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
      }, options.warmUpAfterMs ?? WARM_UP_AFTER_MS);
    }
  }

  /** Looks at what changed in a bed's alarms and schedules a strip for each new high alarm. */
  observe(bedId: string, entries: readonly AlarmLogEntry[]): void {
    for (const entry of entries) {
      const alarm = entry.alarm;
      if (this.#stopped || !alarm || alarm.priority !== 'high') continue;
      if (entry.event !== 'raised' && entry.event !== 'escalated') continue;
      if (this.#scheduled.has(alarm.id)) continue;
      this.#remember(alarm.id);
      const bed = this.#options.bedOf(bedId);
      if (!bed) continue;
      const eventMs = entry.at;
      const request: Omit<StripRequest, 'createdAtMs'> = {
        bedId,
        bedLabel: bed.label,
        patient: bed.patient,
        kind: 'alarm',
        alarmId: alarm.id,
        alarmMessage: alarm.message,
        eventMs,
        fromMs: eventMs - ALARM_STRIP_HALF_S * 1000,
        toMs: eventMs + ALARM_STRIP_HALF_S * 1000,
        actor: 'workstation',
        // The numerics as they are when the alarm is raised, not 10 s later.
        numerics: { ...bed.numerics },
      };
      const dueMs = request.toMs + ARRIVAL_ALLOWANCE_MS;
      const delayMs = Math.max(0, Math.min(dueMs - this.#timers.now(), dueMs - eventMs));
      const handle = this.#timers.setTimeout(() => {
        this.#pending.delete(alarm.id);
        this.#print({ ...request, createdAtMs: this.#timers.now() });
      }, delayMs);
      this.#pending.set(alarm.id, handle);
    }
  }

  /** Strips still waiting for their 10 s after. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Cancels the strips not yet due and waits for those being printed. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#warmUp !== null) this.#timers.clearTimeout(this.#warmUp);
    for (const handle of this.#pending.values()) this.#timers.clearTimeout(handle);
    this.#pending.clear();
    await Promise.allSettled([...this.#printing]);
  }

  #print(request: StripRequest): void {
    const printing = this.#options
      .print(request)
      .catch((error: unknown) => {
        if (!wasInterrupted(error)) throw error;
        this.#options.log(
          `The alarm strip of ${request.bedLabel} (${request.alarmMessage}) was lost with the ` +
            'strip printer; printing it again.',
        );
        return this.#options.print(request);
      })
      .then((strip) => {
        if (strip) {
          this.#options.log(`alarm strip of ${request.bedLabel} stored: ${request.alarmMessage}`);
        }
      })
      .catch((error: unknown) =>
        this.#options.log(
          `The alarm strip of ${request.bedLabel} (${request.alarmMessage}) could not be made: ` +
            (error instanceof Error ? error.message : String(error)),
        ),
      );
    this.#printing.add(printing);
    void printing.finally(() => this.#printing.delete(printing));
  }

  #remember(alarmId: string): void {
    this.#scheduled.add(alarmId);
    if (this.#scheduled.size > REMEMBERED_ALARMS) {
      this.#scheduled.delete(this.#scheduled.values().next().value!);
    }
  }
}

/** The workstation's alarm strips: its beds as they are now, printed into its store. */
export function workstationAlarmStrips(
  beds: ReadonlyMap<string, BedState>,
  store: StripStore,
  renderer: Pick<StripRenderer, 'render' | 'start'>,
  log: (message: string) => void,
): AlarmStrips {
  return new AlarmStrips({
    bedOf: (bedId) => {
      const bed = beds.get(bedId);
      if (!bed) return null;
      const numerics = Object.fromEntries(bed.numerics);
      return { label: bed.label, patient: stripPatientOf(bed), numerics };
    },
    print: (request) => printStrip({ store, render: renderer.render }, request),
    log,
    warmUp: () => renderer.start(),
  });
}
