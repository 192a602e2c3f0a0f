// What the store's state means at the bedside. A store that cannot keep what it is given (a full
// disk), or that found its data damaged or missing at start, is a technical alarm on every bed:
// the nurse must know that what is on screen is not being recorded, or that earlier data are gone.
import type { AlarmPriority } from '../../../shared/model/schemas';

export type StoreConditionCode = 'STORE_DISK_FULL' | 'STORE_DAMAGED';
export const STORE_CONDITION_CODES: readonly StoreConditionCode[] = [
  'STORE_DISK_FULL',
  'STORE_DAMAGED',
];

/** A problem of the store, as every bed shows it while it lasts. */
export interface StoreCondition {
  code: StoreConditionCode;
  priority: AlarmPriority;
  /** The alarm's words: what happened and what it means. */
  message: string;
  /** When it began, UTC ms (for a full disk: the first write that failed). */
  since: number;
}

export interface StoreHealth {
  /** 'disk-full' while rows wait in memory for space; 'damaged' when data were lost at start. */
  recording: 'ok' | 'disk-full' | 'damaged';
  /** When this state began, UTC ms. */
  since: number;
  /** What a person must know, in a clinician's words; null when all is well. */
  message: string | null;
  /** Every condition present now. */
  conditions: StoreCondition[];
}

/** A wall-clock time as the screens show it (local, hours and minutes). */
function clockTime(ms: number): string {
  const at = new Date(ms);
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}

export function diskFullCondition(sinceMs: number): StoreCondition {
  return {
    code: 'STORE_DISK_FULL',
    // Monitoring and alarms go on; what is lost is the record, so not high.
    priority: 'medium',
    message: `Recording stopped: disk full — monitoring continues, data since ${clockTime(sinceMs)} are not being kept`,
    since: sinceMs,
  };
}

export function damagedCondition(sinceMs: number): StoreCondition {
  return {
    code: 'STORE_DAMAGED',
    priority: 'low',
    message: 'Stored data were damaged or missing at start — see the notice, call support',
    since: sinceMs,
  };
}

/** The health that these conditions make; `openedAt` is when all was last well. */
export function healthOf(conditions: readonly StoreCondition[], openedAt: number): StoreHealth {
  const worst =
    conditions.find((c) => c.code === 'STORE_DISK_FULL') ??
    conditions.find((c) => c.code === 'STORE_DAMAGED');
  if (!worst) return { recording: 'ok', since: openedAt, message: null, conditions: [] };
  return {
    recording: worst.code === 'STORE_DISK_FULL' ? 'disk-full' : 'damaged',
    since: worst.since,
    message: worst.message,
    conditions: [...conditions],
  };
}

/** Every store condition as the alarm system takes it: present now, or gone. */
export function storeAlarmConditions(
  health: StoreHealth,
): { code: string; priority: AlarmPriority; message: string; present: boolean }[] {
  return STORE_CONDITION_CODES.map((code) => {
    const condition = health.conditions.find((c) => c.code === code);
    return condition
      ? { code, priority: condition.priority, message: condition.message, present: true }
      : { code, priority: 'low', message: '', present: false };
  });
}
