// The workstation's own signal processing on live beds: every ECG, pleth and respiration channel
// that arrives on the bus is run through the streaming detectors, and what they find goes back:
// heart rate, pulse rate and respiration rate as computed numerics (with their MDC codes), and
// rhythm and signal-quality changes for the bed's alarm system. One ECG, one pleth and one
// respiration channel per bed: the first to arrive. A break in a channel's timeline (a device
// reconnecting) starts its detectors afresh.
import type { SampleBlock } from '../../../shared/model/schemas';
import type { SignalKind, SignalState, Rhythm } from '../alarms/conditions';
import { BeatDetector } from './beat-detector';
import { HeartRateFromBeats } from './heart-rate';
import { PulseDetector } from './pulse-detector';
import { RespirationRate } from './respiration-rate';
import { RhythmAnalyzer, type RhythmCondition } from './rhythm';
import { SignalQuality } from './signal-quality';

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

interface Processor {
  kind: SignalKind;
  deviceId: string;
  channel: string;
  rateHz: number;
  /** Samples seen since the detectors started, and the time of sample 0. */
  n: number;
  startMs: number;
  lastPublishMs: number;
  quality: SignalQuality;
  qualityState: SignalState;
  /** Beats the rhythm analyser's detector reported during the current push. */
  detected: number[];
  /** Only below the rhythm analyser's lowest rate: beats for the heart rate alone. */
  beats?: BeatDetector;
  heartRate?: HeartRateFromBeats;
  rhythm?: RhythmAnalyzer;
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
    if (processor && (processor.deviceId !== block.deviceId || processor.channel !== block.channel))
      return; // the bed already has this signal from another channel
    const expected = processor && processor.startMs + (processor.n * 1000) / processor.rateHz;
    if (
      !processor ||
      processor.rateHz !== block.rateHz ||
      Math.abs(block.t0 - expected!) > MAX_TIMELINE_JUMP_MS
    ) {
      processor = start(kind, block);
      bed.set(kind, processor);
    }
    this.run(block.bedId, processor, block.values);
  }

  /** The device left the bed: its signals are no longer processed. */
  forgetDevice(bedId: string, deviceId: string): void {
    const bed = this.processors.get(bedId);
    if (!bed) return;
    for (const [kind, processor] of bed) if (processor.deviceId === deviceId) bed.delete(kind);
  }

  private run(bedId: string, p: Processor, values: readonly number[]): void {
    const timeOf = (sample: number) => p.startMs + (sample * 1000) / p.rateHz;
    for (const change of p.quality.push(values)) {
      p.qualityState = change.state;
      this.sink.quality(bedId, p.kind, change.state, timeOf(change.since), p.deviceId);
    }
    let rate: { refId: string; unit: string; value: number; sample: number } | null = null;
    if (p.rhythm) {
      p.detected.length = 0;
      for (const change of p.rhythm.push(values)) {
        if (!ALARMED_RHYTHMS.has(change.condition)) continue;
        const rhythm = change.condition as Rhythm;
        this.sink.rhythm(bedId, rhythm, change.active, timeOf(change.sample), change.value);
      }
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
      for (const pulse of p.pulses.push(values)) {
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
}

function start(kind: SignalKind, block: SampleBlock): Processor {
  const { rateHz } = block;
  const processor: Processor = {
    kind,
    deviceId: block.deviceId,
    channel: block.channel,
    rateHz,
    n: 0,
    startMs: block.t0,
    lastPublishMs: -Infinity,
    quality: new SignalQuality(rateHz),
    qualityState: 'good',
    detected: [],
  };
  try {
    if (kind === 'ecg') {
      processor.heartRate = new HeartRateFromBeats(rateHz);
      try {
        // One QRS detector per ECG: the analyser's, whose beats also make the heart rate.
        processor.rhythm = new RhythmAnalyzer(rateHz, {}, (s) => processor.detected.push(s));
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
