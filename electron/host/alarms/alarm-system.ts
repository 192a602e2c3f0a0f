// The alarm system of one bed (IEC 60601-1-8 as publicly restated): a pure state machine. Inputs
// are observations (numerics, rhythms, signal quality, device states and flags) and people's
// actions, each with its time; `tick(now)` lets time pass. Nothing here reads a clock, so tests
// drive it with any clock they like. Every change is returned as a log entry for the alarm log.
//
// - A condition alarms when it has lasted its parameter's condition delay (lethal rhythms: at
//   once). Physiological and technical alarms are kept apart; each has a priority.
// - High-priority physiological alarms latch: they stay, sounding, after the condition ends until
//   a person acknowledges them. Technical alarms never latch.
// - Acknowledged: the sound stops, the alarm stays visible while its condition lasts, and reminds
//   every `reminderMs`. A higher priority for the same condition sounds again.
// - Audio paused (for `audioPauseMs`): silence, except for an alarm raised or escalated during the
//   pause above the priority that was sounding when it began. Audio off and alarm off need a
//   reason and stay visible; lethal rhythms cannot be switched off.
// - Smart alarms: a physiological condition whose signal is of poor quality is held (a technical
//   alarm says why) instead of alarming; HR and PR confirm each other: a limit alarm of one that
//   the other, measured well at the same time, clearly contradicts is held.
// - A device's own alarm is repeated (origin `device`); ours for the same condition shares its
//   code, so it is never shown twice.
import type { Alarm, AlarmPriority, DeviceStatus } from '../../../shared/model/schemas';
import type {
  AlarmAudio,
  AlarmLimits,
  AlarmOff,
  AlarmParameter,
  BedAlarmSettings,
  LimitedParameter,
  PatientCategory,
  StayAlarmSettings,
} from '../../../shared/model/alarms';
import { EDGE_WORDS, LIMIT_EDGES } from '../../../shared/model/limit-rules';
import { DEFAULT_LIMITS, PARAMETER_OF_REF_ID, type AlarmSettings } from './limits';
import {
  assessLimits,
  CODE_PREFIX,
  deviceFlagConditions,
  ectopyCondition,
  news2Condition,
  NEWS2_CODE,
  PARAMETER_NAMES,
  rank,
  rhythmCondition,
  signalCondition,
  type Condition,
  type EctopyEvent,
  type News2Alarming,
  type Rhythm,
  type SignalKind,
  type SignalState,
} from './conditions';

export type AlarmLogEvent =
  | 'raised'
  | 'escalated'
  | 'acknowledged'
  | 'latched'
  | 'ended'
  | 'reminded'
  | 'held'
  | 'audio-paused'
  | 'audio-resumed'
  | 'audio-off'
  | 'audio-on'
  | 'alarm-off'
  | 'alarm-on'
  | 'limits-changed';

export interface AlarmLogEntry {
  event: AlarmLogEvent;
  at: number;
  /** A user, a device id, or `workstation`. */
  actor: string;
  /** The alarm the change is about; null for a change of the bed's alarm settings or audio. */
  alarm: Alarm | null;
  /** The alarm's code, or what changed: `AUDIO`, `ALARM_OFF:hr`, `LIMIT:hr.high`. */
  code: string;
  message: string;
  /** Why a person switched something off, or why a condition was held. */
  reason: string | null;
}

/**
 * A person asked for something the alarm system must refuse; the message says why. `conflict`:
 * what they asked was based on settings that have changed since.
 */
export class AlarmActionError extends Error {
  constructor(
    message: string,
    readonly kind: 'refused' | 'conflict' = 'refused',
  ) {
    super(message);
  }
}

interface Tracked {
  alarm: Alarm;
  condition: Condition;
  present: boolean;
  /** When it last started to sound (raised, escalated, re-raised): the audio-pause rule. */
  soundFrom: number;
  /** Acknowledged at, or last reminded at. */
  remindedAt: number;
}

interface Pending {
  condition: Condition;
  since: number;
  /** Why it is held now; logged once per hold. */
  heldFor: string | null;
}

interface LastValue {
  value: number;
  at: number;
}

/** A condition that comes and goes, gone since `since`: it ends once gone for its clearAfterMs. */
interface Clearing {
  since: number;
  actor: string;
}

/** A value older than this cannot confirm or contradict another. */
const CONFIRM_FRESH_MS = 10_000;
const CONTRADICT_BPM = 15;
const CONTRADICT_SHARE = 0.2;

export class AlarmSystem {
  private readonly alarms = new Map<string, Tracked>();
  private readonly pending = new Map<string, Pending>();
  private readonly deviceFlags = new Map<string, Set<string>>();
  private readonly signals = new Map<SignalKind, SignalState>();
  private readonly lastValues = new Map<LimitedParameter, LastValue & { source: string }>();
  private readonly off = new Map<AlarmParameter, AlarmOff>();
  private readonly clearing = new Map<string, Clearing>();
  private category: PatientCategory;
  private limits: AlarmLimits;
  private changedBy: string | null = null;
  private changedAt: number | null = null;
  private version: string;
  private audioState: Omit<AlarmAudio, 'sounding' | 'reminders' | 'reminderPriority'> & {
    pausedRank: number;
    pausedAt: number;
    /** When audio was switched off (kept with the stay). */
    since: number;
  } = {
    mode: 'on',
    until: null,
    by: null,
    reason: null,
    carriedFrom: null,
    pausedRank: 0,
    pausedAt: 0,
    since: 0,
  };
  private reminders = 0;
  private reminderPriority: AlarmPriority | null = null;
  private log: AlarmLogEntry[] = [];

  constructor(
    private readonly bedId: string,
    private readonly settings: AlarmSettings,
    private readonly newId: () => string,
  ) {
    this.category = settings.category;
    this.limits = structuredClone(DEFAULT_LIMITS[settings.category]);
    this.version = newId();
  }

  // ---- what the bed shows ----

  /** Current alarms, most urgent first: priority, then physiological before technical, then age. */
  list(): Alarm[] {
    return [...this.alarms.values()]
      .map((t) => t.alarm)
      .sort(
        (a, b) =>
          rank[b.priority] - rank[a.priority] ||
          (a.kind === b.kind ? 0 : a.kind === 'physiological' ? -1 : 1) ||
          a.since - b.since,
      );
  }

  audio(): AlarmAudio {
    const { mode, until, by, reason, carriedFrom } = this.audioState;
    return {
      mode,
      until,
      by,
      reason,
      sounding: this.sounding(),
      reminders: this.reminders,
      reminderPriority: this.reminderPriority,
      carriedFrom: mode === 'off' ? (carriedFrom ?? null) : null,
    };
  }

  alarmsOff(): AlarmOff[] {
    return [...this.off.values()];
  }

  alarmSettings(): BedAlarmSettings {
    return {
      category: this.category,
      limits: structuredClone(this.limits),
      changedBy: this.changedBy,
      changedAt: this.changedAt,
      version: this.version,
    };
  }

  /** What the patient's stay keeps: limits, alarms off and audio off (a pause is not kept). */
  staySettings(): StayAlarmSettings {
    const audio = this.audioState;
    return {
      category: this.category,
      limits: structuredClone(this.limits),
      alarmsOff: this.alarmsOff(),
      audioOff:
        audio.mode === 'off'
          ? {
              by: audio.by ?? '',
              reason: audio.reason ?? '',
              since: audio.since,
              carriedFrom: audio.carriedFrom ?? null,
            }
          : null,
    };
  }

  /** Log entries produced since the last call. */
  drainLog(): AlarmLogEntry[] {
    const entries = this.log;
    this.log = [];
    return entries;
  }

  // ---- observations ----

  observeNumeric(refId: string, value: number, at: number, source: string): void {
    const parameter = PARAMETER_OF_REF_ID[refId];
    if (!parameter || !Number.isFinite(value)) return;
    this.lastValues.set(parameter, { value, at, source });
    this.assessParameter(parameter, value, at, source);
    this.tick(at);
  }

  observeRhythm(rhythm: Rhythm, active: boolean, at: number, value: number | null, source: string) {
    const condition = rhythmCondition(rhythm, value, source);
    if (active) this.conditionPresent(condition, at);
    else this.conditionGone(condition.code, at, source);
    this.tick(at);
  }

  /**
   * The ECG analyser held a VT or VF alarm as probable noise (signals/lethal-hold.ts): logged as
   * `held` with what the hold rests on, so a reviewer sees every alarm that did not sound.
   */
  observeHeldRhythm(rhythm: 'vtach' | 'vfib', at: number, value: number | null, detail: string) {
    const condition = rhythmCondition(rhythm, value, 'workstation');
    this.record('held', null, 'workstation', at, condition.code, condition.message, detail);
  }

  /** A ventricular ectopy event from the ECG analyser began or ended (signals/ectopy.ts). */
  observeEctopy(
    event: EctopyEvent,
    active: boolean,
    at: number,
    value: number | null,
    source: string,
  ) {
    const condition = ectopyCondition(event, value, source);
    if (active) this.conditionPresent(condition, at);
    else this.conditionGone(condition.code, at, source);
    this.tick(at);
  }

  /**
   * The bed's early warning score now (news2/bed-news2.ts): null below its urgent band. The
   * urgent band (5–6) is a medium-priority alarm, the emergency band (7 or more) a high-priority
   * one, each naming what scored; a score with parameters missing alarms on what is known. It
   * is held while a signal a scoring vital came from is poor, as that vital's own alarm is.
   */
  observeNews2(score: News2Alarming | null, at: number): void {
    if (score) {
      const poor = score.signals.find((s) => (this.signals.get(s) ?? 'good') !== 'good') ?? null;
      this.conditionPresent(news2Condition(score, poor), at);
    } else this.conditionClearing(NEWS2_CODE, at, 'workstation');
    this.tick(at);
  }

  /**
   * A channel's quality changed. Its physiological alarms are held while it is poor, and only
   * then: a desaturation must sound once the pleth has been clean for SpO₂'s own delay. Its
   * technical alarm, though, comes and goes with every breath or movement, so it ends only once
   * the signal has been good for the condition's clearAfterMs.
   */
  observeSignalQuality(signal: SignalKind, state: SignalState, at: number, source: string): void {
    this.signals.set(signal, state);
    const code = signalCode(signal);
    if (state === 'good') this.conditionClearing(code, at, source);
    else this.conditionPresent(signalCondition(signal, state, source), at);
    this.tick(at);
  }

  /** The technical and alarm flags a device reports now (all of them, every time). */
  observeDeviceFlags(deviceId: string, deviceKind: string, flags: readonly string[], at: number) {
    const conditions = deviceFlagConditions(flags, deviceId, deviceKind);
    const now = new Set(conditions.map((c) => c.code));
    for (const code of this.deviceFlags.get(deviceId) ?? []) {
      if (!now.has(code)) this.conditionGone(code, at, deviceId, deviceId);
    }
    this.deviceFlags.set(deviceId, now);
    for (const condition of conditions) this.conditionPresent(condition, at);
    this.tick(at);
  }

  observeDevice(device: DeviceStatus, deviceKind: string, at: number): void {
    const disconnected = `DEVICE_DISCONNECTED:${device.id}`;
    const silent = `DEVICE_NO_DATA:${device.id}`;
    const technical = (code: string, message: string): Condition => ({
      code,
      kind: 'technical',
      priority: 'medium',
      message,
      value: null,
      limit: null,
      source: device.id,
      origin: 'workstation',
      parameter: null,
      signal: null,
    });
    if (device.state === 'disconnected' || device.state === 'stale') {
      const [gone, now] =
        device.state === 'disconnected'
          ? [silent, technical(disconnected, `${deviceKind} disconnected — check the cable`)]
          : [disconnected, technical(silent, `No data from ${deviceKind} — check the device`)];
      this.conditionGone(gone, at, device.id);
      this.conditionPresent(now, at);
      this.forgetDevice(device.id, at, device.id);
    } else if (device.state === 'connected') {
      this.conditionGone(disconnected, at, device.id);
      this.conditionGone(silent, at, device.id);
    }
    this.tick(at);
  }

  /**
   * A condition of the workstation itself that every bed must show (recording stopped because
   * the disk is full, no open screen can sound an alarm): present until observed gone.
   */
  observeWorkstation(
    condition: { code: string; priority: AlarmPriority; message: string },
    present: boolean,
    at: number,
  ): void {
    if (present) {
      this.conditionPresent(
        {
          ...condition,
          kind: 'technical',
          value: null,
          limit: null,
          source: 'workstation',
          origin: 'workstation',
          parameter: null,
          signal: null,
        },
        at,
      );
    } else this.conditionGone(condition.code, at, 'workstation');
    this.tick(at);
  }

  /**
   * A person took the device off the bed on purpose: its technical alarms end, and so do the
   * conditions it was measuring (a latched alarm stays until acknowledged).
   */
  removeDevice(deviceId: string, actor: string, at: number): void {
    this.conditionGone(`DEVICE_DISCONNECTED:${deviceId}`, at, actor);
    this.conditionGone(`DEVICE_NO_DATA:${deviceId}`, at, actor);
    this.forgetDevice(deviceId, at, actor);
    this.tick(at);
  }

  // ---- time ----

  /** Lets time pass: delays mature, pauses end, acknowledged alarms remind. */
  tick(now: number): void {
    const audio = this.audioState;
    if (audio.mode === 'paused' && audio.until !== null && now >= audio.until) {
      this.setAudio({ mode: 'on', until: null, by: null, reason: null });
      this.record('audio-resumed', null, 'workstation', now, 'AUDIO', 'Audio pause ended');
    }
    for (const [code, gone] of [...this.clearing]) {
      const condition = this.pending.get(code)?.condition ?? this.alarms.get(code)?.condition;
      if (now - gone.since >= (condition?.clearAfterMs ?? 0)) this.cleared(code, now, gone.actor);
    }
    for (const pending of this.pending.values()) this.mature(pending, now);
    if (audio.mode !== 'on') return;
    // One reminder signal for the bed, at the priority of the most urgent alarm that is due.
    let due: AlarmPriority | null = null;
    for (const tracked of this.alarms.values()) {
      const { alarm } = tracked;
      if (alarm.state !== 'acknowledged' || !tracked.present) continue;
      if (now - tracked.remindedAt < this.settings.reminderMs) continue;
      tracked.remindedAt = now;
      if (due === null || rank[alarm.priority] > rank[due]) due = alarm.priority;
      this.record('reminded', alarm, 'workstation', now);
    }
    if (due !== null) {
      this.reminders += 1;
      this.reminderPriority = due;
    }
  }

  // ---- people's actions ----

  acknowledge(alarmId: string, actor: string, at: number): Alarm | null {
    const tracked = [...this.alarms.values()].find((t) => t.alarm.id === alarmId);
    if (!tracked) return null;
    const { alarm } = tracked;
    if (alarm.state === 'acknowledged') return alarm;
    const acknowledged: Alarm = { ...alarm, state: 'acknowledged' };
    this.record('acknowledged', acknowledged, actor, at);
    if (alarm.state === 'latched') {
      this.alarms.delete(alarm.code);
      this.record('ended', acknowledged, actor, at);
    } else {
      tracked.alarm = acknowledged;
      tracked.remindedAt = at;
    }
    return acknowledged;
  }

  pauseAudio(actor: string, at: number): void {
    if (this.audioState.mode === 'off') {
      throw new AlarmActionError('Alarm audio is off; switch it on before pausing it.');
    }
    const sounding = this.sounding();
    const until = at + this.settings.audioPauseMs;
    this.setAudio({ mode: 'paused', until, by: actor, reason: null });
    this.audioState.pausedRank = Math.max(sounding ? rank[sounding] : 0, rank.low);
    this.audioState.pausedAt = at;
    const minutes = this.settings.audioPauseMs / 60_000;
    this.record('audio-paused', null, actor, at, 'AUDIO', `Audio paused for ${minutes} min`);
  }

  resumeAudio(actor: string, at: number): void {
    if (this.audioState.mode !== 'paused') return;
    this.setAudio({ mode: 'on', until: null, by: null, reason: null });
    this.record('audio-resumed', null, actor, at, 'AUDIO', 'Audio pause cancelled');
  }

  audioOff(actor: string, reason: string, at: number): void {
    const why = requireReason(reason, 'switching alarm audio off');
    this.setAudio({ mode: 'off', until: null, by: actor, reason: why, since: at });
    this.record('audio-off', null, actor, at, 'AUDIO', 'Alarm audio off', why);
  }

  audioOn(actor: string, at: number): void {
    if (this.audioState.mode === 'on') return;
    this.setAudio({ mode: 'on', until: null, by: null, reason: null });
    this.record('audio-on', null, actor, at, 'AUDIO', 'Alarm audio on');
  }

  /** Switches a parameter's alarms off (they stay listed as off, with who and why). */
  alarmOff(parameter: AlarmParameter, actor: string, reason: string, at: number): void {
    const why = requireReason(reason, 'switching an alarm off');
    this.switchOff({ parameter, by: actor, reason: why, since: at }, actor, at);
  }

  alarmOn(parameter: AlarmParameter, actor: string, at: number, why?: string): void {
    if (!this.off.delete(parameter)) return;
    const name = parameterName(parameter);
    const message = `${name} alarms on${why ? ` (${why})` : ''}`;
    this.record('alarm-on', null, actor, at, `ALARM_OFF:${parameter}`, message);
    // The condition delay starts again from now.
    for (const pending of this.pending.values()) {
      if (pending.condition.parameter === parameter) pending.since = at;
    }
  }

  /**
   * New limits for this patient, logged change by change; current values are judged again.
   * `fromVersion` is the state the person edited: a newer change made meanwhile refuses it.
   */
  setLimits(
    category: PatientCategory,
    limits: AlarmLimits,
    actor: string,
    at: number,
    fromVersion?: string,
  ): void {
    if (fromVersion !== undefined && fromVersion !== this.version) {
      const by = this.changedBy ?? 'someone';
      const when = this.changedAt === null ? '' : ` at ${clockTime(this.changedAt)}`;
      throw new AlarmActionError(
        `These alarm limits were changed by ${by}${when} after you opened them: review them again.`,
        'conflict',
      );
    }
    this.replaceLimits(category, limits, actor, at);
    for (const [parameter, last] of this.lastValues) {
      this.assessParameter(parameter, last.value, at, last.source);
    }
    this.tick(at);
  }

  /**
   * A new stay begins in this bed: a patient admitted, discharged, or transferred in or out. The
   * alarms about the previous patient end and every condition's delay starts again from now (a
   * new patient's alarms never count from the last one's); the settings become `settings` (the
   * unit's defaults with everything on, or what a transferred patient brings), every change
   * logged with `why`. An audio pause is a moment's: it ends too.
   */
  beginStay(settings: StayAlarmSettings, actor: string, at: number, why: string): void {
    for (const tracked of [...this.alarms.values()]) {
      if (tracked.alarm.kind !== 'physiological') continue;
      this.alarms.delete(tracked.alarm.code);
      this.record('ended', tracked.alarm, actor, at, undefined, undefined, why);
    }
    for (const pending of this.pending.values()) {
      if (pending.condition.kind === 'physiological') {
        pending.since = at;
        pending.heldFor = null;
      }
    }
    // Settings kept before a parameter existed (PVCs/min) take its category default.
    const limits = { ...DEFAULT_LIMITS[settings.category], ...settings.limits };
    this.replaceLimits(settings.category, limits, actor, at, why);
    for (const parameter of [...this.off.keys()]) {
      if (!settings.alarmsOff.some((o) => o.parameter === parameter))
        this.alarmOn(parameter, actor, at, why);
    }
    for (const off of settings.alarmsOff) this.switchOff(off, actor, at, why);
    const audioOff = settings.audioOff;
    if (audioOff) {
      const { by, reason, since, carriedFrom = null } = audioOff;
      this.setAudio({ mode: 'off', until: null, by, reason, since, carriedFrom });
      const message = `Alarm audio off (${why})`;
      this.record('audio-off', null, actor, at, 'AUDIO', message, reason);
    } else if (this.audioState.mode !== 'on') {
      const was = this.audioState.mode;
      this.setAudio({ mode: 'on', until: null, by: null, reason: null });
      const message = `${was === 'paused' ? 'Audio pause ended' : 'Alarm audio on'} (${why})`;
      this.record(
        was === 'paused' ? 'audio-resumed' : 'audio-on',
        null,
        actor,
        at,
        'AUDIO',
        message,
      );
    }
    for (const [parameter, last] of this.lastValues) {
      this.assessParameter(parameter, last.value, at, last.source);
    }
    this.tick(at);
  }

  private switchOff(off: AlarmOff, actor: string, at: number, why?: string): void {
    const { parameter } = off;
    this.off.set(parameter, { ...off });
    const name = parameterName(parameter);
    const message = `${name} alarms off${why ? ` (${why})` : ''}`;
    this.record('alarm-off', null, actor, at, `ALARM_OFF:${parameter}`, message, off.reason);
    for (const tracked of [...this.alarms.values()]) {
      if (tracked.condition.parameter !== parameter) continue;
      this.alarms.delete(tracked.alarm.code);
      this.record('ended', tracked.alarm, actor, at);
    }
  }

  /** The limits change (each change logged); a new version when anything changed. */
  private replaceLimits(
    category: PatientCategory,
    limits: AlarmLimits,
    actor: string,
    at: number,
    why?: string,
  ): void {
    const because = why ? ` (${why})` : '';
    let changed = false;
    if (category !== this.category) {
      const message = `Patient category ${this.category} → ${category}${because}`;
      this.record('limits-changed', null, actor, at, 'CATEGORY', message);
      this.category = category;
      changed = true;
    }
    for (const parameter of Object.keys(limits) as LimitedParameter[]) {
      const before = this.limits[parameter];
      const after = limits[parameter];
      for (const edge of LIMIT_EDGES) {
        if (before[edge] === after[edge]) continue;
        const { label, unit } = PARAMETER_NAMES[parameter];
        const show = (v: number | null) => (v === null ? 'off' : `${v} ${unit}`);
        const message = `${label} ${EDGE_WORDS[edge]} limit ${show(before[edge])} → ${show(after[edge])}${because}`;
        this.record('limits-changed', null, actor, at, `LIMIT:${parameter}.${edge}`, message);
        changed = true;
      }
    }
    if (!changed) return;
    this.limits = structuredClone(limits);
    this.changedBy = actor;
    this.changedAt = at;
    this.version = this.newId();
  }

  // ---- the machine ----

  private assessParameter(parameter: LimitedParameter, value: number, at: number, source: string) {
    const condition = assessLimits(parameter, value, this.limits[parameter], source);
    const prefix = CODE_PREFIX[parameter];
    for (const code of [`${prefix}_LOW`, `${prefix}_HIGH`]) {
      if (code !== condition?.code) this.conditionGone(code, at, source);
    }
    if (condition) this.conditionPresent(condition, at);
  }

  private conditionPresent(condition: Condition, at: number): void {
    const key = pendingKey(condition.code, condition.origin === 'device' ? condition.source : null);
    this.clearing.delete(key);
    const pending = this.pending.get(key);
    if (!pending) {
      this.pending.set(key, { condition, since: at, heldFor: null });
    } else {
      // A change of priority keeps the condition's start; the value and words follow the latest.
      pending.condition = condition;
    }
    const tracked = this.alarms.get(condition.code);
    // The shown value follows the latest; the words and limit stay those of the alarm's priority.
    if (tracked && tracked.condition.origin === condition.origin) {
      const same = rank[condition.priority] >= rank[tracked.alarm.priority];
      if (same) tracked.condition = condition;
      tracked.alarm = {
        ...tracked.alarm,
        value: condition.value,
        ...(same ? { message: condition.message } : {}),
      };
    }
  }

  /**
   * The condition has ended. `origin` (a device id) ends only what that device reported: our
   * own condition with the same code is not that device's to end.
   */
  private conditionGone(code: string, at: number, actor: string, fromDevice?: string): void {
    this.pending.delete(pendingKey(code, fromDevice ?? null));
    this.clearing.delete(pendingKey(code, fromDevice ?? null));
    const tracked = this.alarms.get(code);
    if (!tracked) return;
    if (fromDevice && tracked.condition.source !== fromDevice) return;
    if (!fromDevice && tracked.condition.origin === 'device') return;
    tracked.present = false;
    const { alarm } = tracked;
    if (alarm.kind === 'physiological' && alarm.priority === 'high' && alarm.state === 'active') {
      tracked.alarm = { ...alarm, state: 'latched' };
      this.record('latched', tracked.alarm, actor, at);
      return;
    }
    if (alarm.state === 'latched') return;
    this.alarms.delete(code);
    this.record('ended', alarm, actor, at);
  }

  /** Gone for now: ends once gone for the condition's clearAfterMs (at once without one). */
  private conditionClearing(code: string, at: number, actor: string): void {
    const condition = this.pending.get(code)?.condition ?? this.alarms.get(code)?.condition;
    if (!condition?.clearAfterMs) this.cleared(code, at, actor);
    else if (!this.clearing.has(code)) this.clearing.set(code, { since: at, actor });
  }

  private cleared(code: string, at: number, actor: string): void {
    this.conditionGone(code, at, actor);
  }

  /** The device's values can no longer be trusted: what it was measuring ends (latched stays). */
  private forgetDevice(deviceId: string, at: number, actor: string): void {
    // Its signals are no longer judged: their quality alarms end, and hold nothing any more.
    for (const [code, signal] of SIGNAL_OF_CODE) {
      const condition = this.alarms.get(code)?.condition ?? this.pending.get(code)?.condition;
      if (condition?.source !== deviceId) continue;
      this.conditionGone(code, at, actor);
      this.signals.set(signal, 'good');
    }
    for (const [parameter, last] of this.lastValues) {
      if (last.source === deviceId) this.lastValues.delete(parameter);
    }
    for (const [key, pending] of [...this.pending]) {
      if (pending.condition.source === deviceId && pending.condition.kind === 'physiological') {
        this.pending.delete(key);
      }
    }
    for (const code of this.deviceFlags.get(deviceId) ?? []) {
      this.conditionGone(code, at, actor, deviceId);
    }
    this.deviceFlags.delete(deviceId);
    for (const tracked of [...this.alarms.values()]) {
      const { alarm } = tracked;
      if (alarm.kind === 'physiological' && alarm.source === deviceId && alarm.state !== 'latched')
        this.conditionGone(alarm.code, at, actor, deviceId);
    }
  }

  private mature(pending: Pending, now: number): void {
    const { condition } = pending;
    const { code } = condition;
    if (condition.parameter && this.off.has(condition.parameter)) return;
    // Gone for now: it sounds only if it comes back before it has been gone long enough to end.
    if (this.clearing.has(code)) return;
    const held = this.holdReason(condition);
    if (held) {
      pending.since = now; // the delay counts from when the signal is trustworthy again
      if (pending.heldFor !== held) {
        pending.heldFor = held;
        const alarm = this.preview(condition, now);
        this.record('held', alarm, 'workstation', now, code, condition.message, held);
      }
      return;
    }
    const delay =
      condition.onsetMs ??
      (condition.parameter ? this.settings.conditionDelayMs[condition.parameter] : 0);
    if (now - pending.since < delay) return;
    // Held, briefly clean, held again for the same reason is one hold in the log, not many.
    pending.heldFor = null;
    const tracked = this.alarms.get(code);
    if (!tracked) {
      const alarm = this.preview(condition, now);
      this.alarms.set(code, { alarm, condition, present: true, soundFrom: now, remindedAt: now });
      this.record('raised', alarm, condition.source, now);
      return;
    }
    tracked.present = true;
    const higher = rank[condition.priority] > rank[tracked.alarm.priority];
    if (tracked.alarm.state === 'latched' || higher) {
      // Back before anyone acknowledged it, or worse than before: it sounds again.
      tracked.alarm = {
        ...tracked.alarm,
        state: 'active',
        priority: higher ? condition.priority : tracked.alarm.priority,
        message: condition.message,
        value: condition.value,
        limit: condition.limit,
        origin: higher ? condition.origin : tracked.alarm.origin,
        source: higher ? condition.source : tracked.alarm.source,
      };
      if (higher) tracked.condition = condition;
      tracked.soundFrom = now;
      this.record(higher ? 'escalated' : 'raised', tracked.alarm, condition.source, now);
    }
  }

  /** Why a physiological condition cannot be trusted now, or null. */
  private holdReason(condition: Condition): string | null {
    if (condition.kind !== 'physiological' || condition.origin === 'device') return null;
    const quality = condition.signal ? this.signals.get(condition.signal) : undefined;
    if (quality && quality !== 'good') return `${condition.signal?.toUpperCase()} ${quality}`;
    const parameter = condition.parameter;
    if (parameter !== 'hr' && parameter !== 'pr') return null;
    const other = parameter === 'hr' ? 'pr' : 'hr';
    const mine = this.lastValues.get(parameter);
    const theirs = this.lastValues.get(other);
    if (!mine || !theirs || Math.abs(mine.at - theirs.at) > CONFIRM_FRESH_MS) return null;
    const theirSignal = other === 'hr' ? 'ecg' : 'pleth';
    if ((this.signals.get(theirSignal) ?? 'good') !== 'good') return null;
    if (assessLimits(other, theirs.value, this.limits[other], theirs.source)) return null;
    const gap = Math.abs(mine.value - theirs.value);
    if (gap <= Math.max(CONTRADICT_BPM, CONTRADICT_SHARE * theirs.value)) return null;
    return `not confirmed by ${PARAMETER_NAMES[other].label} ${Math.round(theirs.value)} bpm`;
  }

  private preview(condition: Condition, now: number): Alarm {
    return {
      id: this.newId(),
      bedId: this.bedId,
      kind: condition.kind,
      priority: condition.priority,
      code: condition.code,
      message: condition.message,
      state: 'active',
      since: now,
      value: condition.value,
      limit: condition.limit,
      source: condition.source,
      origin: condition.origin,
    };
  }

  private sounding(): AlarmPriority | null {
    const audio = this.audioState;
    if (audio.mode === 'off') return null;
    let best = 0;
    for (const { alarm, soundFrom } of this.alarms.values()) {
      if (alarm.state === 'acknowledged') continue;
      const r = rank[alarm.priority];
      if (audio.mode === 'paused' && (r <= audio.pausedRank || soundFrom < audio.pausedAt))
        continue;
      best = Math.max(best, r);
    }
    return best === 3 ? 'high' : best === 2 ? 'medium' : best === 1 ? 'low' : null;
  }

  private setAudio(
    next: Pick<AlarmAudio, 'mode' | 'until' | 'by' | 'reason'> &
      Partial<{ since: number; carriedFrom: string | null }>,
  ): void {
    this.audioState = { ...this.audioState, carriedFrom: null, ...next };
  }

  private record(
    event: AlarmLogEvent,
    alarm: Alarm | null,
    actor: string,
    at: number,
    code = alarm?.code ?? '',
    message = alarm?.message ?? '',
    reason: string | null = null,
  ): void {
    this.log.push({ event, at, actor, alarm, code, message, reason });
  }
}

const EVENT_NAMES: Record<Exclude<AlarmParameter, LimitedParameter>, string> = {
  arrhythmia: 'Arrhythmia',
  news2: 'NEWS2',
  couplet: 'Couplet',
  vRun: 'PVC run',
  bigeminy: 'Bigeminy',
  trigeminy: 'Trigeminy',
  rOnT: 'R-on-T',
};

function parameterName(parameter: AlarmParameter): string {
  return parameter in EVENT_NAMES
    ? EVENT_NAMES[parameter as keyof typeof EVENT_NAMES]
    : PARAMETER_NAMES[parameter as LimitedParameter].label;
}

const signalCode = (signal: SignalKind) => `SIGNAL_${signal.toUpperCase()}`;
const SIGNAL_OF_CODE = new Map<string, SignalKind>(
  (['ecg', 'pleth', 'resp'] as const).map((signal) => [signalCode(signal), signal]),
);

/** Our own conditions by code; a device's by code and device, so the two never overwrite. */
function pendingKey(code: string, device: string | null): string {
  return device === null ? code : `${code}@${device}`;
}

/** A time of day as the workstation's clock shows it, 24-hour: "14:02:37". */
function clockTime(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
}

function requireReason(reason: string, what: string): string {
  const trimmed = reason.trim();
  if (trimmed.length === 0) throw new AlarmActionError(`A reason is needed for ${what}.`);
  return trimmed;
}
