import { useNow } from '../hooks/use-now';

/** Local wall-clock time, as on a monitor's header. */
export function Clock() {
  const now = useNow(1000);
  const date = new Date(now);
  return (
    <time className="clock" dateTime={date.toISOString()}>
      {date.toLocaleTimeString([], {
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23', // monitors and charts use the 24-hour clock
      })}
    </time>
  );
}
