// Waits between attempts: exponential with full jitter (a random wait between zero and the
// doubling bound), so that workstations coming back after a shared outage do not all knock at
// once. Pure: the random source is injected.
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly firstMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The wait before the next attempt, and counts this one. */
  next(): number {
    const bound = Math.min(this.maxMs, this.firstMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return Math.round(this.random() * bound);
  }

  /** How many attempts have failed in a row. */
  get failures(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}
