import { clockTime } from '../clinical/clinical-time';
import { useNow } from '../hooks/use-now';

/** Local wall-clock time, as on a monitor's header: the 24-hour clock. */
export function Clock() {
  const now = useNow(1000);
  return (
    <time className="clock" dateTime={new Date(now).toISOString()}>
      {clockTime(now, { seconds: true })}
    </time>
  );
}
