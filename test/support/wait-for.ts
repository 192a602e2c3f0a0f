// Polls a condition every 20 ms until it holds (resolving with its value) or the time is up.

export function waitFor<T>(
  what: string,
  check: () => T | undefined | null | false,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      const value = check();
      if (value) return resolve(value);
      if (Date.now() > deadline)
        return reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
