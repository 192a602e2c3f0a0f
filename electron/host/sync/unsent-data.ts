// Data not yet sent to the central server are never pruned (store/retention.ts); after days
// offline they fill the disk. Before that happens every bed shows a technical alarm that says
// so, and once the disk is full the store's own alarm says what fills it.
import type { OutboxBacklog } from '../store/client';
import { clockTime, sizeOf } from './status';

/** Below this much free space, a large backlog is a risk worth an alarm. */
export const LOW_DISK_BYTES = 2 * 1024 ** 3;
/** A backlog this large is "much" (a few hours of a busy unit's numerics and waveforms). */
export const MUCH_UNSENT_BYTES = 64 * 1024 ** 2;

export const UNSENT_DATA_CODE = 'SYNC_UNSENT_DISK';

export interface WorkstationCondition {
  code: string;
  priority: 'low' | 'medium' | 'high';
  message: string;
  present: boolean;
}

/** When the alarm is raised: less free than lowDiskBytes with at least muchUnsentBytes waiting. */
export interface UnsentDataThresholds {
  lowDiskBytes: number;
  muchUnsentBytes: number;
}

/** The alarm while the disk fills with unsent data; present: false otherwise. */
export function unsentDataCondition(
  backlog: OutboxBacklog | null,
  freeBytes: number | null,
  nowMs: number,
  { lowDiskBytes, muchUnsentBytes }: UnsentDataThresholds = {
    lowDiskBytes: LOW_DISK_BYTES,
    muchUnsentBytes: MUCH_UNSENT_BYTES,
  },
): WorkstationCondition {
  const present =
    backlog !== null &&
    freeBytes !== null &&
    backlog.bytes >= muchUnsentBytes &&
    freeBytes < lowDiskBytes;
  const since = backlog?.oldestAtMs ? ` since ${clockTime(backlog.oldestAtMs, nowMs)}` : '';
  return {
    code: UNSENT_DATA_CODE,
    priority: 'low',
    message: present
      ? `Disk filling with data not yet sent to the central server: ${sizeOf(backlog.bytes)} waiting${since}, ${sizeOf(freeBytes)} free — call IT (recording stops when the disk is full)`
      : '',
    present,
  };
}

/** The store's disk-full alarm, saying what fills the disk when it is unsent data. */
export function withUnsentWords<C extends { code: string; message: string; present: boolean }>(
  condition: C,
  backlog: OutboxBacklog | null,
): C {
  if (condition.code !== 'STORE_DISK_FULL' || !condition.present) return condition;
  if (!backlog || backlog.bytes < MUCH_UNSENT_BYTES) return condition;
  return {
    ...condition,
    message: `${condition.message}; ${sizeOf(backlog.bytes)} of unsent data waiting for the central server are kept`,
  };
}
