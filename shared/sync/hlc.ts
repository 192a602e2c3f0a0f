// Hybrid logical clock (Kulkarni et al. 2014; as in Actual Budget's sync core): wall-clock
// milliseconds, a counter for events in the same millisecond or when the clock stepped back, and
// the node that made the stamp. Versions of a mutable fact (demographics, alarm settings, a bed
// assignment) are ordered by it: a workstation whose clock runs behind still orders its own
// changes after what it has seen, and one whose clock runs ahead cannot push the others' clocks
// further than the allowed drift.
//
// A stamp is a string that sorts like the clock: 15 digits of ms, 4 hex digits of counter, node.

export interface HlcState {
  wallMs: number;
  counter: number;
  node: string;
}

/** A remote stamp further ahead of our wall clock than this is refused (a broken clock). */
export const MAX_HLC_DRIFT_MS = 24 * 3_600_000;
const MAX_COUNTER = 0xffff;

export class HlcError extends Error {}

export function formatHlc({ wallMs, counter, node }: HlcState): string {
  return `${String(wallMs).padStart(15, '0')}-${counter.toString(16).padStart(4, '0')}-${node}`;
}

export function parseHlc(stamp: string): HlcState {
  const match = /^(\d{15})-([0-9a-f]{4})-(.+)$/.exec(stamp);
  if (!match) throw new HlcError(`not a clock stamp: ${JSON.stringify(stamp.slice(0, 80))}`);
  return { wallMs: Number(match[1]), counter: parseInt(match[2]!, 16), node: match[3]! };
}

/** Whether a string is a well-formed stamp. */
export function isHlc(stamp: string): boolean {
  return /^\d{15}-[0-9a-f]{4}-.+$/.test(stamp);
}

/** The clock of one node. `now` is injected so that tests can wind it. */
export class HybridClock {
  private wallMs = 0;
  private counter = 0;

  constructor(
    readonly node: string,
    private readonly now: () => number = Date.now,
  ) {
    if (!node || node.includes('\n')) throw new HlcError('a clock needs a node id');
  }

  /** A stamp for an event made here. */
  send(): string {
    const physical = Math.floor(this.now());
    if (physical > this.wallMs) {
      this.wallMs = physical;
      this.counter = 0;
    } else this.bump();
    return formatHlc({ wallMs: this.wallMs, counter: this.counter, node: this.node });
  }

  /** Takes in a stamp seen from another node (or read back after a restart). */
  receive(stamp: string): void {
    const remote = parseHlc(stamp);
    const physical = Math.floor(this.now());
    if (remote.wallMs - physical > MAX_HLC_DRIFT_MS) {
      throw new HlcError(
        `a clock stamp ${Math.round((remote.wallMs - physical) / 3_600_000)} h ahead of this clock was refused`,
      );
    }
    const wallMs = Math.max(this.wallMs, remote.wallMs, physical);
    if (wallMs === this.wallMs && wallMs === remote.wallMs) {
      this.counter = Math.max(this.counter, remote.counter);
      this.wallMs = wallMs;
      this.bump();
    } else if (wallMs === this.wallMs) this.bump();
    else if (wallMs === remote.wallMs) {
      this.wallMs = wallMs;
      this.counter = remote.counter;
      this.bump();
    } else {
      this.wallMs = wallMs;
      this.counter = 0;
    }
  }

  private bump(): void {
    this.counter += 1;
    if (this.counter > MAX_COUNTER) {
      // 65,536 events in one millisecond: borrow the next millisecond rather than break order.
      this.wallMs += 1;
      this.counter = 0;
    }
  }
}
