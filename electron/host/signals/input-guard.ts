// What every detector does to a sample before filtering it: a value that is not a number repeats
// the last good one, an absurd value is clipped (so no filter state can overflow), and the first
// value is taken as the baseline, so a flat line filters to exact zeros.

const INPUT_LIMIT = 1e12;

export class InputGuard {
  private last = 0;
  private baseline = Number.NaN;

  /** The sample, cleaned, relative to the first sample seen. */
  next(input: number): number {
    let x = Number.isFinite(input) ? input : this.last;
    if (x > INPUT_LIMIT) x = INPUT_LIMIT;
    if (x < -INPUT_LIMIT) x = -INPUT_LIMIT;
    this.last = x;
    if (Number.isNaN(this.baseline)) this.baseline = x;
    return x - this.baseline;
  }
}
