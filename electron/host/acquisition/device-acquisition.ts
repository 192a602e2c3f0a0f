// Turns a device session's decoded frames into timestamped sample blocks and numerics on the bus.
// One block per channel per read from the port keeps blocks small (low latency to the screen)
// while the store merges them into larger chunks.
import type { DecodedFrame, DriverDescriptor } from '../devices/driver';
import type { Bus } from '../bus';
import { SampleClock } from './sample-clock';

/** Numerics are republished at least this often even when unchanged, so the screen knows they are current. */
const NUMERIC_REFRESH_MS = 1000;

export class DeviceAcquisition {
  private clocks = new Map<string, SampleClock>();
  private lastNumeric = new Map<string, { value: number; at: number }>();
  private lastFlags = '';
  private readonly channelRates: Map<string, number>;
  private readonly numericUnits: Map<string, string>;

  constructor(
    private readonly bedId: string,
    private readonly deviceId: string,
    descriptor: DriverDescriptor,
    private readonly bus: Bus,
  ) {
    this.channelRates = new Map(descriptor.channels.map((c) => [c.key, c.rateHz]));
    this.numericUnits = new Map(descriptor.numerics.map((n) => [n.refId, n.unit]));
  }

  /** Frames decoded from one read of the port, whose last byte arrived at `arrivalMs`. */
  ingest(frames: DecodedFrame[], arrivalMs: number): void {
    if (frames.length === 0) return;
    const byChannel = new Map<string, number[]>();
    const numerics = new Map<string, number>();
    const flags = new Set<string>();
    for (const frame of frames) {
      for (const flag of frame.flags) flags.add(flag);
      for (const [channel, values] of Object.entries(frame.samples)) {
        if (values.length === 0) continue;
        const list = byChannel.get(channel);
        if (list) list.push(...values);
        else byChannel.set(channel, [...values]);
      }
      for (const [refId, value] of Object.entries(frame.numerics)) numerics.set(refId, value);
    }
    for (const [channel, values] of byChannel) this.publishSamples(channel, values, arrivalMs);
    for (const [refId, value] of numerics) this.publishNumeric(refId, value, arrivalMs);
    this.publishFlags([...flags].sort(), arrivalMs);
  }

  /** The device went away: its next samples start a new timeline. */
  reset(): void {
    this.clocks.clear();
    this.lastNumeric.clear();
    this.lastFlags = '';
  }

  /** The flags of one read (the union over its frames), published when they change. */
  private publishFlags(flags: string[], at: number): void {
    const key = flags.join('\n');
    if (key === this.lastFlags) return;
    this.lastFlags = key;
    this.bus.emit('flags', { bedId: this.bedId, deviceId: this.deviceId, flags, at });
  }

  private publishSamples(channel: string, values: number[], arrivalMs: number): void {
    const rateHz = this.channelRates.get(channel);
    if (rateHz === undefined) return; // a channel the descriptor does not declare is not ours to guess
    let clock = this.clocks.get(channel);
    if (!clock) this.clocks.set(channel, (clock = new SampleClock(rateHz)));
    const t0 = clock.stamp(values.length, arrivalMs);
    this.bus.emit('samples', {
      bedId: this.bedId,
      deviceId: this.deviceId,
      channel,
      rateHz,
      t0,
      values,
    });
  }

  private publishNumeric(refId: string, value: number, at: number): void {
    const unit = this.numericUnits.get(refId);
    if (unit === undefined) return;
    const last = this.lastNumeric.get(refId);
    if (last && last.value === value && at - last.at < NUMERIC_REFRESH_MS) return;
    this.lastNumeric.set(refId, { value, at });
    this.bus.emit('numeric', {
      bedId: this.bedId,
      deviceId: this.deviceId,
      refId,
      numeric: { value, unit, at, source: this.deviceId },
    });
  }
}
