import { useEffect, useState } from 'react';

/** The wall-clock time, refreshed every `intervalMs`: for clocks, "time since" and staleness. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
