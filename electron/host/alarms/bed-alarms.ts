// The alarm state of one bed: a pure state machine driven by numerics, device states and a clock.
// Physiological and technical alarms are kept apart. A condition must persist for its delay
// before it alarms; high-priority physiological alarms latch until a person acknowledges them;
// technical alarms never latch. Every change is returned as a log entry for the alarm log.
import type { Alarm, AlarmPriority, DeviceStatus } from '../../../shared/model/schemas';
import type { AlarmSettings } from './limits';

export type AlarmLogEvent = 'raised' | 'escalated' | 'acknowledged' | 'latched' | 'ended';

export interface AlarmLogEntry {
  event: AlarmLogEvent;
  alarm: Alarm;
  /** Who or what caused the change: a user, a device id, or `workstation`. */
  actor: string;
  at: number;
}

interface Assessment {
  code: string;
  priority: AlarmPriority;
  message: string;
  limit: number;
}

interface PendingCondition {
  code: string;
  since: number;
  assessment: Assessment;
  value: number;
  source: string;
}

const rank: Record<AlarmPriority, number> = { high: 3, medium: 2, low: 1 };

export class BedAlarms {
  private alarms = new Map<string, Alarm>(); // by code
  private pending = new Map<Parameter, PendingCondition>();
  private log: AlarmLogEntry[] = [];

  constructor(
    private readonly bedId: string,
    private readonly settings: AlarmSettings,
    private readonly newId: () => string,
  ) {}

  /** Current alarms, most urgent first. */
  list(): Alarm[] {
    return [...this.alarms.values()].sort(
      (a, b) =>
        rank[b.priority] - rank[a.priority] ||
        (a.kind === b.kind ? 0 : a.kind === 'physiological' ? -1 : 1) ||
        a.since - b.since,
    );
  }

  /** Log entries produced since the last call. */
  drainLog(): AlarmLogEntry[] {
    const entries = this.log;
    this.log = [];
    return entries;
  }

  observeNumeric(refId: string, value: number, at: number, source: string): void {
    const parameter = parameterOf(refId);
    if (!parameter) return;
    const assessment = this.assess(parameter, value);
    const current = this.findByParameter(parameter);
    if (!assessment) {
      this.pending.delete(parameter);
      if (current) this.conditionEnded(current, at, source);
      return;
    }
    const pending = this.pending.get(parameter);
    if (!pending || pending.code !== assessment.code) {
      this.pending.set(parameter, { code: assessment.code, since: at, assessment, value, source });
    } else {
      pending.assessment =
        rank[assessment.priority] >= rank[pending.assessment.priority]
          ? assessment
          : pending.assessment;
      pending.value = value;
    }
    this.tick(at);
  }

  observeDevice(device: DeviceStatus, deviceKind: string, at: number): void {
    const disconnected = `DEVICE_DISCONNECTED:${device.id}`;
    const silent = `DEVICE_NO_DATA:${device.id}`;
    if (device.state === 'disconnected') {
      this.endTechnical(silent, at, device.id);
      this.raiseTechnical(
        disconnected,
        `${deviceKind} disconnected — check the cable`,
        device.id,
        at,
      );
      this.endPhysiologicalFrom(device.id, at);
    } else if (device.state === 'stale') {
      this.endTechnical(disconnected, at, device.id);
      this.raiseTechnical(silent, `No data from ${deviceKind} — check the device`, device.id, at);
      this.endPhysiologicalFrom(device.id, at);
    } else if (device.state === 'connected') {
      this.endTechnical(disconnected, at, device.id);
      this.endTechnical(silent, at, device.id);
    }
  }

  /**
   * A person took the device off the bed on purpose: its technical alarms end, and so do the
   * conditions it was measuring (a latched alarm stays until acknowledged).
   */
  removeDevice(deviceId: string, actor: string, at: number): void {
    this.endTechnical(`DEVICE_DISCONNECTED:${deviceId}`, at, actor);
    this.endTechnical(`DEVICE_NO_DATA:${deviceId}`, at, actor);
    this.endPhysiologicalFrom(deviceId, at);
  }

  /** Raises conditions whose delay has passed. */
  tick(now: number): void {
    for (const [parameter, pending] of this.pending) {
      if (now - pending.since < this.delayFor(parameter)) continue;
      const existing = this.findByParameter(parameter);
      const { assessment } = pending;
      if (!existing) {
        this.raise({
          code: assessment.code,
          kind: 'physiological',
          priority: assessment.priority,
          message: assessment.message,
          value: pending.value,
          limit: assessment.limit,
          source: pending.source,
          since: now,
        });
      } else if (existing.state === 'latched') {
        // The condition came back before anyone acknowledged it: it sounds again.
        const again: Alarm = {
          ...existing,
          state: 'active',
          value: pending.value,
          message: assessment.message,
        };
        this.alarms.set(existing.code, again);
        this.record('raised', again, pending.source, now);
      } else if (rank[assessment.priority] > rank[existing.priority]) {
        const escalated: Alarm = {
          ...existing,
          priority: assessment.priority,
          message: assessment.message,
          value: pending.value,
          limit: assessment.limit,
          state: 'active',
        };
        this.alarms.set(existing.code, escalated);
        this.record('escalated', escalated, 'workstation', now);
      }
    }
  }

  acknowledge(alarmId: string, actor: string, at: number): Alarm | null {
    const alarm = [...this.alarms.values()].find((a) => a.id === alarmId);
    if (!alarm) return null;
    if (alarm.state === 'latched') {
      this.alarms.delete(alarm.code);
      const ended: Alarm = { ...alarm, state: 'acknowledged' };
      this.record('acknowledged', ended, actor, at);
      this.record('ended', ended, actor, at);
      return ended;
    }
    if (alarm.state === 'active') {
      const acknowledged: Alarm = { ...alarm, state: 'acknowledged' };
      this.alarms.set(alarm.code, acknowledged);
      this.record('acknowledged', acknowledged, actor, at);
      return acknowledged;
    }
    return alarm;
  }

  private assess(parameter: Parameter, value: number): Assessment | null {
    const { heartRate, spo2 } = this.settings;
    if (parameter === 'spo2') {
      if (value < spo2.severeLow)
        return {
          code: 'SPO2_LOW',
          priority: 'high',
          limit: spo2.severeLow,
          message: `Desaturation: SpO₂ ${value} % (limit ${spo2.severeLow} %)`,
        };
      if (value < spo2.low)
        return {
          code: 'SPO2_LOW',
          priority: 'medium',
          limit: spo2.low,
          message: `SpO₂ low: ${value} % (limit ${spo2.low} %)`,
        };
      return null;
    }
    if (value < heartRate.extremeLow)
      return {
        code: 'HR_LOW',
        priority: 'high',
        limit: heartRate.extremeLow,
        message: `Extreme bradycardia: HR ${value} bpm`,
      };
    if (value < heartRate.low)
      return {
        code: 'HR_LOW',
        priority: 'medium',
        limit: heartRate.low,
        message: `Heart rate low: ${value} bpm (limit ${heartRate.low})`,
      };
    if (value > heartRate.extremeHigh)
      return {
        code: 'HR_HIGH',
        priority: 'high',
        limit: heartRate.extremeHigh,
        message: `Extreme tachycardia: HR ${value} bpm`,
      };
    if (value > heartRate.high)
      return {
        code: 'HR_HIGH',
        priority: 'medium',
        limit: heartRate.high,
        message: `Heart rate high: ${value} bpm (limit ${heartRate.high})`,
      };
    return null;
  }

  private delayFor(parameter: Parameter): number {
    return parameter === 'spo2'
      ? this.settings.conditionDelayMs.spo2
      : this.settings.conditionDelayMs.heartRate;
  }

  private findByParameter(parameter: Parameter): Alarm | undefined {
    for (const alarm of this.alarms.values()) {
      if (alarm.kind === 'physiological' && parameterOfCode(alarm.code) === parameter) return alarm;
    }
    return undefined;
  }

  private conditionEnded(alarm: Alarm, at: number, actor: string): void {
    if (alarm.priority === 'high' && alarm.state === 'active') {
      const latched: Alarm = { ...alarm, state: 'latched' };
      this.alarms.set(alarm.code, latched);
      this.record('latched', latched, actor, at);
      return;
    }
    if (alarm.state === 'latched') return;
    this.alarms.delete(alarm.code);
    this.record('ended', alarm, actor, at);
  }

  private endPhysiologicalFrom(deviceId: string, at: number): void {
    for (const [parameter, pending] of this.pending) {
      if (pending.source === deviceId) this.pending.delete(parameter);
    }
    for (const alarm of [...this.alarms.values()]) {
      // The value can no longer be trusted; the technical alarm says why. A latched alarm stays.
      if (
        alarm.kind === 'physiological' &&
        alarm.source === deviceId &&
        alarm.state !== 'latched'
      ) {
        this.conditionEnded(alarm, at, deviceId);
      }
    }
  }

  private raiseTechnical(code: string, message: string, source: string, at: number): void {
    if (this.alarms.has(code)) return;
    this.raise({
      code,
      kind: 'technical',
      priority: 'medium',
      message,
      value: null,
      limit: null,
      source,
      since: at,
    });
  }

  private endTechnical(code: string, at: number, actor: string): void {
    const alarm = this.alarms.get(code);
    if (!alarm) return;
    this.alarms.delete(code);
    this.record('ended', alarm, actor, at);
  }

  private raise(fields: Omit<Alarm, 'id' | 'bedId' | 'state'>): void {
    const alarm: Alarm = { ...fields, id: this.newId(), bedId: this.bedId, state: 'active' };
    this.alarms.set(alarm.code, alarm);
    this.record('raised', alarm, fields.source, fields.since);
  }

  private record(event: AlarmLogEvent, alarm: Alarm, actor: string, at: number): void {
    this.log.push({ event, alarm, actor, at });
  }
}

type Parameter = 'heartRate' | 'spo2';

function parameterOf(refId: string): Parameter | null {
  if (refId === 'MDC_ECG_HEART_RATE') return 'heartRate';
  if (refId === 'MDC_PULS_OXIM_SAT_O2') return 'spo2';
  return null;
}

function parameterOfCode(code: string): Parameter | null {
  if (code.startsWith('HR_')) return 'heartRate';
  if (code.startsWith('SPO2_')) return 'spo2';
  return null;
}
