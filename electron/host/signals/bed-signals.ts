// The workstation's own signal processing on live beds: every ECG, pleth and respiration channel
// that arrives on the bus is run through the streaming detectors, and what they find goes back:
// heart rate, pulse rate, respiration rate and PVCs per minute as computed numerics, rhythm,
// ectopy and signal-quality changes for the bed's alarm system, the VT/VF alarms held as noise
// (with why), and the class of every beat not called normal. One ECG, one pleth and one
// respiration channel per bed: the first to arrive; a second ECG lead of the same device, when
// it has one, is classified with the first and confirms or holds VT/VF, and the pleth's pulses
// tell the analyser whether the heart is perfusing. A break in a channel's timeline (a device
// reconnecting) starts its detectors afresh.
import type { SampleBlock } from '../../../shared/model/schemas';
import type { SignalKind, SignalState, Rhythm } from '../alarms/conditions';
import { BeatDetector } from './beat-detector';
import { HeartRateFromBeats } from './heart-rate';
import { PulseDetector } from './pulse-detector';
import { RespirationRate } from './respiration-rate';
import { RhythmAnalyzer, type RhythmCondition } from './rhythm';
import { SignalQuality } from './signal-quality';
import { EctopyMonitor, type EctopyCondition } from './ectopy';
import type { BeatClass } from './beat-class';
import type { EctopyEvent } from '../alarms/conditions';

export interface ComputedNumeric {
  bedId: string;
  /** The device whose signal it was computed from. */
  deviceId: string;
  refId: string;
  value: number;
  unit: string;
  at: number;
}

export interface BedSignalSink {
  numeric(numeric: ComputedNumeric): void;
  rhythm(bedId: string, rhythm: Rhythm, active: boolean, at: number, value: number | null): void;
  quality(
    bedId: string,
    signal: SignalKind,
    state: SignalState,
    at: number,
    deviceId: string,
  ): void;
  ectopy?(
    bedId: string,
    event: EctopyEvent,
    active: boolean,
    at: number,
    value: number | null,
  ): void;
  /** A VT or VF alarm the analyser held as probable noise, with what the hold rests on. */
  held?(
    bedId: string,
    rhythm: 'vtach' | 'vfib',
    at: number,
    value: number | null,
    detail: string,
  ): void;
  /** Beats classified other than normal, with their time. */
  beats?(bedId: string, beats: { atMs: number; beatClass: Exclude<BeatClass, 'N'> }[]): void;
}

/** The device id a computed numeric is stored under: the workstation, from that device's signal. */
export function computedSourceId(deviceId: string): string {
  return `workstation:${deviceId}`;
}

/** Which signal a channel carries, from its MDC key (drivers key their channels by MDC id). */
export function signalKindOf(channel: string): SignalKind | null {
  if (channel.startsWith('MDC_ECG_ELEC_POTL')) return 'ecg';
  if (channel === 'MDC_PULS_OXIM_PLETH') return 'pleth';
  if (channel === 'MDC_IMPED_TTHOR' || channel === 'INTELLIVUE_RESP') return 'resp';
  return null;
}

/** Computed rates are published at most this often (a monitor's display update). */
const PUBLISH_EVERY_MS = 1000;
/** A block starting further than this from where the last one ended breaks the timeline. */
const MAX_TIMELINE_JUMP_MS = 1000;
/** Rhythm alarms the alarm system takes from the analyser; brady/tachy come from HR limits. */
const ALARMED_RHYTHMS = new Set<RhythmCondition>(['asystole', 'vfib', 'vtach', 'pause', 'afib']);
/** Ectopy events the alarm system takes; PVCs/min is a numeric with its own limit there. */
const ECTOPY_EVENTS: Partial<Record<EctopyCondition, EctopyEvent>> = {
  couplet: 'couplet',
  run: 'run',
  bigeminy: 'bigeminy',
  trigeminy: 'trigeminy',
  rOnT: 'rOnT',
};
export const PVC_REF_ID = 'MDC_ECG_V_P_C_CNT';
const PVC_WINDOW_MS = 60_000;
/** A second lead's samples waiting for the first lead's (its blocks may come first). */
const MAX_SECOND_LEAD_MS = 2000;

interface Processor {
  kind: SignalKind;
  deviceId: string;
  channel: string;
  rateHz: number;
  /** Samples seen since the detectors started, and the time of sample 0. */
  n: number;
  startMs: number;
  lastPublishMs: number;
  lastPvcPublishMs: number;
  quality: SignalQuality;
  qualityState: SignalState;
  /** Beats the rhythm analyser's detector reported during the current push. */
  detected: number[];
  /** Only below the rhythm analyser's lowest rate: beats for the heart rate alone. */
  beats?: BeatDetector;
  heartRate?: HeartRateFromBeats;
  rhythm?: RhythmAnalyzer;
  ectopy?: EctopyMonitor;
  /**
   * The second ECG lead of the same device: its channel, and its samples not yet analysed, the
   * first of them at sample index `start` of the first lead's timeline.
   */
  secondLead?: { channel: string; queue: number[]; start: number };
  /** A first-lead block waiting for its second-lead samples (they may come just after it). */
  waiting?: readonly number[];
  pulses?: PulseDetector;
  breaths?: RespirationRate;
}

export class BedSignals {
  /** By bed, then by signal kind. */
  private readonly processors = new Map<string, Map<SignalKind, Processor>>();

  constructor(private readonly sink: BedSignalSink) {}

  push(block: SampleBlock): void {
    const kind = signalKindOf(block.channel);
    if (!kind || block.values.length === 0) return;
    let bed = this.processors.get(block.bedId);
    if (!bed) this.processors.set(block.bedId, (bed = new Map()));
    let processor = bed.get(kind);
    if (processor && processor.channel !== block.channel) {
      // Another lead of the same ECG: it joins the analysis as the second lead (the analyser
      // starts again with two leads, once, as the device's first blocks arrive).
      if (
        kind === 'ecg' &&
        processor.deviceId === block.deviceId &&
        block.rateHz === processor.rateHz
      ) {
        if (!processor.secondLead) {
          // Lead II, where the device has it, is the one analysed first (as monitors do).
          const [first, second] =
            leadRank(block.channel) < leadRank(processor.channel)
              ? [block.channel, processor.channel]
              : [processor.channel, block.channel];
          // The analysis starts again where the first lead goes on: at its next sample, or at
          // this block when it becomes the first lead.
          const t0 =
            first === block.channel
              ? block.t0
              : processor.startMs + (processor.n * 1000) / processor.rateHz;
          processor = start(kind, { ...block, channel: first, t0 }, second);
          bed.set(kind, processor);
          if (first === block.channel) return this.push(block);
        }
        if (processor.secondLead?.channel === block.channel) {
          this.secondLead(block.bedId, processor, block);
        }
      }
      return; // otherwise the bed already has this signal from another channel
    }
    if (processor && processor.deviceId !== block.deviceId) return;
    const queued = processor?.waiting?.length ?? 0;
    const expected =
      processor && processor.startMs + ((processor.n + queued) * 1000) / processor.rateHz;
    if (
      !processor ||
      processor.rateHz !== block.rateHz ||
      Math.abs(block.t0 - expected!) > MAX_TIMELINE_JUMP_MS
    ) {
      processor = start(kind, block, processor?.secondLead?.channel);
      bed.set(kind, processor);
    }
    if (!processor.secondLead) return this.run(block.bedId, processor, block.values);
    // Two leads: the first lead's samples wait for the second's of the same moments.
    if (processor.waiting) this.analyseWaiting(block.bedId, processor);
    processor.waiting = block.values;
    if (secondReady(processor)) this.analyseWaiting(block.bedId, processor);
  }

  /** The second lead's block, placed on the first lead's timeline by its time. */
  private secondLead(bedId: string, p: Processor, block: SampleBlock): void {
    const lead = p.secondLead!;
    const index = Math.round(((block.t0 - p.startMs) * p.rateHz) / 1000);
    // A gap or a jump: what was queued no longer lines up.
    if (lead.queue.length === 0 || index !== lead.start + lead.queue.length) {
      lead.queue = [];
      lead.start = index;
    }
    for (const v of block.values) lead.queue.push(v);
    const max = Math.round((MAX_SECOND_LEAD_MS * p.rateHz) / 1000);
    if (lead.queue.length > max) {
      lead.queue.splice(0, lead.queue.length - max);
      lead.start = index + block.values.length - max;
    }
    if (secondReady(p)) this.analyseWaiting(bedId, p);
  }

  /**
   * The waiting first-lead block with the second lead's samples of the same moments; a moment the
   * second lead has no sample for is NaN (a gap to the analyser).
   */
  private analyseWaiting(bedId: string, p: Processor): void {
    const values = p.waiting!;
    p.waiting = undefined;
    const lead = p.secondLead!;
    const second = new Array<number>(values.length);
    for (let j = 0; j < values.length; j++) {
      const q = p.n + j - lead.start;
      second[j] = q >= 0 && q < lead.queue.length ? lead.queue[q]! : NaN;
    }
    const used = Math.max(0, Math.min(lead.queue.length, p.n + values.length - lead.start));
    lead.queue.splice(0, used);
    lead.start += used;
    this.run(bedId, p, values, second);
  }

  /** The device left the bed: its signals are no longer processed. */
  forgetDevice(bedId: string, deviceId: string): void {
    const bed = this.processors.get(bedId);
    if (!bed) return;
    for (const [kind, processor] of bed) if (processor.deviceId === deviceId) bed.delete(kind);
  }

  private run(
    bedId: string,
    p: Processor,
    values: readonly number[],
    second?: readonly number[],
  ): void {
    const timeOf = (sample: number) => p.startMs + (sample * 1000) / p.rateHz;
    for (const change of p.quality.push(values)) {
      p.qualityState = change.state;
      this.sink.quality(bedId, p.kind, change.state, timeOf(change.since), p.deviceId);
    }
    let rate: { refId: string; unit: string; value: number; sample: number } | null = null;
    if (p.rhythm) {
      p.detected.length = 0;
      for (const change of p.rhythm.push(values, second)) {
        if (!ALARMED_RHYTHMS.has(change.condition)) continue;
        const rhythm = change.condition as Rhythm;
        this.sink.rhythm(bedId, rhythm, change.active, timeOf(change.sample), change.value);
      }
      this.afterRhythm(bedId, p, timeOf);
    }
    if (p.heartRate) {
      const beats = p.beats ? p.beats.push(values).map((beat) => beat.sample) : p.detected;
      for (const sample of beats) {
        const reading = p.heartRate.beat(sample);
        if (reading) {
          const value = reading.averageBpm;
          rate = { refId: 'MDC_ECG_HEART_RATE', unit: '/min', value, sample };
        }
      }
    }
    if (p.pulses) {
      const ecg = this.processors.get(bedId)?.get('ecg');
      for (const pulse of p.pulses.push(values)) {
        // The analyser weighs a regular pulse against a VF or noisy VT (a perfusing rhythm).
        if (ecg?.rhythm) {
          const atMs = timeOf(pulse.sample);
          ecg.rhythm.pulse(Math.round(((atMs - ecg.startMs) * ecg.rateHz) / 1000));
        }
        if (pulse.pulseRateBpm === undefined) continue;
        const value = pulse.pulseRateBpm;
        rate = { refId: 'MDC_PULS_OXIM_PULS_RATE', unit: '/min', value, sample: pulse.sample };
      }
    }
    if (p.breaths) {
      for (const breath of p.breaths.push(values)) {
        if (breath.respirationRatePerMin === undefined) continue;
        const value = breath.respirationRatePerMin;
        rate = { refId: 'MDC_RESP_RATE', unit: '/min', value, sample: breath.sample };
      }
    }
    p.n += values.length;
    this.publishPvcs(bedId, p, timeOf);
    // A rate from a channel of poor quality is not shown: it would be a guess.
    if (!rate || p.qualityState !== 'good') return;
    const at = timeOf(rate.sample);
    if (at - p.lastPublishMs < PUBLISH_EVERY_MS) return;
    p.lastPublishMs = at;
    this.sink.numeric({
      bedId,
      deviceId: p.deviceId,
      refId: rate.refId,
      value: Math.round(rate.value),
      unit: rate.unit,
      at,
    });
  }

  /** The beats just classified: their classes, the ectopy they make, PVCs per minute, holds. */
  private afterRhythm(bedId: string, p: Processor, timeOf: (sample: number) => number): void {
    const rhythm = p.rhythm!;
    for (const held of rhythm.held) {
      this.sink.held?.(bedId, held.condition, timeOf(held.sample), held.value, held.detail);
    }
    const beats = rhythm.beats;
    if (beats.length === 0) return;
    const marked: { atMs: number; beatClass: Exclude<BeatClass, 'N'> }[] = [];
    for (const beat of beats) {
      if (beat.class !== 'N') marked.push({ atMs: timeOf(beat.sample), beatClass: beat.class });
    }
    if (marked.length > 0) this.sink.beats?.(bedId, marked);
    for (const change of p.ectopy!.push(beats)) {
      const event = ECTOPY_EVENTS[change.condition];
      if (event)
        this.sink.ectopy?.(bedId, event, change.active, timeOf(change.sample), change.value);
    }
  }

  /**
   * PVCs in the last minute, once a minute has been analysed (a shorter count would read low),
   * while the ECG is clean, at most once a second.
   */
  private publishPvcs(bedId: string, p: Processor, timeOf: (sample: number) => number): void {
    if (!p.ectopy) return;
    const window = Math.round((PVC_WINDOW_MS * p.rateHz) / 1000);
    if (p.n < window || p.qualityState !== 'good') return;
    const at = timeOf(p.n - 1);
    if (at - p.lastPvcPublishMs < PUBLISH_EVERY_MS) return;
    p.lastPvcPublishMs = at;
    this.sink.numeric({
      bedId,
      deviceId: p.deviceId,
      refId: PVC_REF_ID,
      value: p.ectopy.pvcsInMinuteTo(p.n - 1),
      unit: '/min',
      at,
    });
  }
}

/** Whether the second lead has arrived up to the end of the waiting first-lead block. */
function secondReady(p: Processor): boolean {
  const lead = p.secondLead!;
  return (
    p.waiting !== undefined &&
    lead.queue.length > 0 &&
    lead.start + lead.queue.length >= p.n + p.waiting.length
  );
}

/** Which ECG lead is analysed first: II, then I, then the others. */
function leadRank(channel: string): number {
  if (channel === 'MDC_ECG_ELEC_POTL_II') return 0;
  if (channel === 'MDC_ECG_ELEC_POTL_I') return 1;
  return 2;
}

function start(kind: SignalKind, block: SampleBlock, secondLead?: string): Processor {
  const { rateHz } = block;
  const processor: Processor = {
    kind,
    deviceId: block.deviceId,
    channel: block.channel,
    rateHz,
    n: 0,
    startMs: block.t0,
    lastPublishMs: -Infinity,
    lastPvcPublishMs: -Infinity,
    quality: new SignalQuality(rateHz),
    qualityState: 'good',
    detected: [],
  };
  try {
    if (kind === 'ecg') {
      processor.heartRate = new HeartRateFromBeats(rateHz);
      try {
        // One QRS detector per ECG: the analyser's, whose beats also make the heart rate.
        const leads = secondLead ? 2 : 1;
        processor.rhythm = new RhythmAnalyzer(rateHz, { leads }, (s) => processor.detected.push(s));
        processor.ectopy = new EctopyMonitor(rateHz);
        if (secondLead) processor.secondLead = { channel: secondLead, queue: [], start: 0 };
      } catch {
        processor.beats = new BeatDetector(rateHz);
      }
    } else if (kind === 'pleth') {
      processor.pulses = new PulseDetector(rateHz);
    } else {
      processor.breaths = new RespirationRate(rateHz);
    }
  } catch {
    // A rate the detectors cannot work at (they say which): quality is still judged.
  }
  return processor;
}
