// One vital sign as a monitor shows it: label, a big value readable from across the room, unit,
// optional limits. An old value is never shown as if it were current: it becomes "---".
import type { AlarmPriority, Numeric } from '../../../shared/model/schemas';
import { useNow } from '../hooks/use-now';
import { strings } from '../strings';

/** A value older than this is not shown as current. */
export const NUMERIC_STALE_AFTER_MS = 10_000;

export interface NumericLimits {
  low?: number;
  high?: number;
}

export interface NumericTileProps {
  /** MDC reference id; used in `data-testid="numeric-<refId>"`. */
  refId: string;
  label: string;
  unit: string;
  /** Colour of the value when not alarming (CSS colour). */
  color: string;
  /** Latest value; null or undefined when the bed has none. */
  numeric: Numeric | null | undefined;
  decimals?: number;
  limits?: NumericLimits | null;
  /** Priority of the bed's alarm on this parameter; the tile takes the alarm colour. */
  alarmPriority?: AlarmPriority | null;
  staleAfterMs?: number;
  /** False while the device that measures it is disconnected or silent: its last value is not current. */
  sourceLive?: boolean;
}

type ValueState = 'current' | 'stale' | 'none';

export function NumericTile({
  refId,
  label,
  unit,
  color,
  numeric,
  decimals = 0,
  limits,
  alarmPriority = null,
  staleAfterMs = NUMERIC_STALE_AFTER_MS,
  sourceLive = true,
}: NumericTileProps) {
  const now = useNow(1000);
  const state: ValueState = !numeric
    ? 'none'
    : !sourceLive || now - numeric.at > staleAfterMs
      ? 'stale'
      : 'current';
  const shown = state === 'current' && numeric ? numeric.value.toFixed(decimals) : strings.noValue;
  const limitText = limits ? strings.limits(limits.low, limits.high) : '';

  return (
    <section
      className="numeric"
      data-testid={`numeric-${refId}`}
      data-state={state}
      data-alarm={alarmPriority ?? undefined}
      aria-label={label}
      style={alarmPriority ? undefined : { color }}
    >
      <header className="numeric__header">
        <span className="numeric__label">{label}</span>
        <span className="numeric__unit">{unit}</span>
      </header>
      <output className="numeric__value" data-testid="numeric-value" aria-live="off">
        {shown}
      </output>
      <footer className="numeric__footer">
        {state === 'stale' && <span className="numeric__stale">{strings.staleValue}</span>}
        {limitText && <span className="numeric__limits">{limitText}</span>}
      </footer>
    </section>
  );
}
