// A strip lost because the strip worker died while making it (out of memory, a fault in a native
// part): nothing about the strip was wrong, so making it again is expected to work.

export class StripInterruptedError extends Error {
  constructor() {
    super('The strip printer stopped while making it; print the strip again.');
    this.name = 'StripInterruptedError';
  }
}

/** Whether `error` (or what it was made from, its `cause`) is a strip lost to a dying worker. */
export function wasInterrupted(error: unknown): boolean {
  let e = error;
  for (let depth = 0; depth < 4 && e instanceof Error; depth++, e = e.cause) {
    if (e instanceof StripInterruptedError) return true;
  }
  return false;
}
