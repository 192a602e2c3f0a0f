// The alarm system's clock. In use it is the wall clock; an end-to-end test starts the workstation
// with a test clock it can move forward, so that "audio paused for 2 minutes" or "a reminder every
// 3 minutes" can be checked without waiting for them.
export interface AlarmClock {
  now(): number;
  /** Moves a test clock forward; undefined on the real clock. */
  advance?(ms: number): number;
}

export const wallClock: AlarmClock = { now: () => Date.now() };

export function testClock(): AlarmClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms: number) {
      offset += ms;
      return Date.now() + offset;
    },
  };
}
