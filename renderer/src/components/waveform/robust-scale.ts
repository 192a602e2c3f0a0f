// Vertical auto-scale for a trace whose physical scale may be unknown: the 1st–99th percentile of
// what is on screen plus a margin, so one spike or artefact does not squash the trace, eased over
// time so the trace does not jump. It grows quickly (no clipping) and shrinks slowly.

const MAX_SAMPLES = 512;
const LOW_PERCENTILE = 0.01;
const HIGH_PERCENTILE = 0.99;
const MARGIN = 0.15;
const GROW_TIME_CONSTANT_MS = 150;
const SHRINK_TIME_CONSTANT_MS = 2500;

export class RobustScale {
  min = -1;
  max = 1;
  private targetMin = -1;
  private targetMax = 1;
  private settled = false;
  private readonly scratch = new Float64Array(MAX_SAMPLES);

  /** `minSpan` keeps a flat line flat instead of magnifying its noise to full height. */
  constructor(private readonly minSpan = 1) {}

  /** Re-reads what is on screen; returns false when there is nothing to scale to. */
  retarget(values: ArrayLike<number | null>): boolean {
    const stride = Math.max(1, Math.ceil(values.length / MAX_SAMPLES));
    let n = 0;
    for (let i = 0; i < values.length && n < MAX_SAMPLES; i += stride) {
      const value = values[i];
      if (value !== null && value !== undefined) this.scratch[n++] = value;
    }
    if (n === 0) return false;
    const sorted = this.scratch.subarray(0, n).sort();
    const low = sorted[Math.floor(LOW_PERCENTILE * (n - 1))] ?? 0;
    const high = sorted[Math.ceil(HIGH_PERCENTILE * (n - 1))] ?? 0;
    const span = Math.max(high - low, this.minSpan);
    const mid = (low + high) / 2;
    this.targetMin = mid - span * (0.5 + MARGIN);
    this.targetMax = mid + span * (0.5 + MARGIN);
    if (!this.settled) {
      this.min = this.targetMin;
      this.max = this.targetMax;
      this.settled = true;
    }
    return true;
  }

  /** Moves the shown range toward the target; returns whether it moved. */
  step(elapsedMs: number): boolean {
    const nextMin = ease(this.min, this.targetMin, this.targetMin < this.min, elapsedMs);
    const nextMax = ease(this.max, this.targetMax, this.targetMax > this.max, elapsedMs);
    const moved = nextMin !== this.min || nextMax !== this.max;
    this.min = nextMin;
    this.max = nextMax;
    return moved;
  }
}

function ease(current: number, target: number, growing: boolean, elapsedMs: number): number {
  const timeConstant = growing ? GROW_TIME_CONSTANT_MS : SHRINK_TIME_CONSTANT_MS;
  const next = current + (target - current) * (1 - Math.exp(-elapsedMs / timeConstant));
  // Snap when close so an idle trace stops asking for redraws.
  return Math.abs(next - target) < Math.abs(target) * 1e-4 + 1e-9 ? target : next;
}
