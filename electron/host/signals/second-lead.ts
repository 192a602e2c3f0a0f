// A second ECG lead watched on its own, to check what the first lead's rhythm analysis says: its
// own QRS detector, signal quality and VF spectral test. Noise rarely strikes two leads alike, so
// beats (or VF) seen on one lead only are probably noise. Pure: samples in, answers out; bounded.

import { BeatDetector } from './beat-detector';
import { averageRateBpm } from './heart-rate';
import { InputGuard } from './input-guard';
import { SignalQuality } from './signal-quality';
import { VfSpectralTest } from './vf-spectrum';

const MATCH_MS = 150;
const RECENT_BEATS = 32;
const RATE_AVERAGE_OVER = 8;
const REGULAR_WINDOW_MS = 4000;
const REGULAR_SPREAD = 0.25;

export class SecondLead {
  private readonly detector: BeatDetector;
  private readonly quality: SignalQuality;
  private readonly vf: VfSpectralTest;
  private readonly guard = new InputGuard();
  private readonly one = [0];
  private readonly beats: number[] = [];
  private readonly match: number;
  private n = 0;
  private vfPositive = false;

  constructor(private readonly rateHz: number) {
    this.detector = new BeatDetector(rateHz);
    this.quality = new SignalQuality(rateHz);
    this.vf = new VfSpectralTest(rateHz);
    this.match = Math.round((MATCH_MS * rateHz) / 1000);
  }

  /** Feeds one raw sample of the second lead. */
  step(input: number): void {
    this.one[0] = input;
    for (const beat of this.detector.push(this.one)) {
      if (this.beats.length >= RECENT_BEATS) this.beats.shift();
      this.beats.push(beat.sample);
    }
    this.quality.push(this.one);
    const judgement = this.vf.step(this.guard.next(input));
    if (judgement) this.vfPositive = judgement.positive;
    this.n++;
  }

  /** Good signal quality (not flat, noisy or saturated), once judged. */
  get clean(): boolean {
    return this.quality.current === 'good';
  }

  /** Whether the latest VF judgement of this lead was positive. */
  get looksLikeVf(): boolean {
    return this.vfPositive;
  }

  /** How many of these beats (sample indices) this lead saw too, within ±150 ms. */
  seen(samples: readonly number[]): number {
    return samples.filter((s) => this.beats.some((b) => Math.abs(b - s) <= this.match)).length;
  }

  /** Whether this lead shows regular beats over the last 4 s (≥ 3, intervals within ±25 %). */
  regularBeats(): boolean {
    const from = this.n - (REGULAR_WINDOW_MS * this.rateHz) / 1000;
    const recent = this.beats.filter((b) => b >= from);
    if (recent.length < 3) return false;
    const intervals = recent.slice(1).map((b, i) => b - recent[i]!);
    const mean = intervals.reduce((s, d) => s + d, 0) / intervals.length;
    return intervals.every((d) => Math.abs(d - mean) <= REGULAR_SPREAD * mean);
  }

  /** Monitor-style average rate over this lead's last 8 RR intervals; undefined before them. */
  rateBpm(): number | undefined {
    if (this.beats.length <= RATE_AVERAGE_OVER) return undefined;
    const recent = this.beats.slice(-RATE_AVERAGE_OVER - 1);
    const rrMs = recent.slice(1).map((b, i) => ((b - recent[i]!) * 1000) / this.rateHz);
    return averageRateBpm(rrMs);
  }
}
