// One vital sign as a monitor shows it: label, a big value readable from across the room, unit,
// optional limits. An old value is never shown as if it were current: it becomes "---". A
// parameter whose alarms are off carries a crossed bell, so an unguarded value never looks guarded.
import type { AlarmPriority, Numeric } from '../../../shared/model/schemas';
import type { AlarmOff } from '../../../shared/model/alarms';
import { useNow } from '../hooks/use-now';
import { strings } from '../strings';
import { StateIcon } from './StateIcon';

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
  /** This parameter's alarms are switched off (who, why, since). */
  alarmOff?: AlarmOff | null;
  /** The rhythm alarms are switched off: said in words on the heart rate, which carries the rhythm. */
  rhythmOff?: AlarmOff | null;
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
  alarmOff = null,
  rhythmOff = null,
}: NumericTileProps) {
  const now = useNow(1000);
  const state: ValueState = !numeric
    ? 'none'
    : !sourceLive || now - numeric.at > staleAfterMs
      ? 'stale'
      : 'current';
  const shown = state === 'current' && numeric ? numeric.value.toFixed(decimals) : strings.noValue;
  const limitText = limits && !alarmOff ? strings.limits(limits.low, limits.high) : '';
  const offWords = alarmOff ? strings.alarmOffMark.parameter(label) : null;

  return (
    <section
      className="numeric"
      data-testid={`numeric-${refId}`}
      data-state={state}
      data-alarm={alarmPriority ?? undefined}
      data-alarm-off={alarmOff ? 'true' : undefined}
      data-rhythm-off={rhythmOff ? 'true' : undefined}
      aria-label={offWords ? `${label}, ${offWords}` : label}
      style={alarmPriority ? undefined : { color }}
    >
      <header className="numeric__header">
        <span className="numeric__label">{label}</span>
        {alarmOff && (
          <span
            className="numeric__alarm-off"
            data-testid="alarm-off-mark"
            title={strings.alarmOffMark.detail(label, alarmOff.reason, alarmOff.by)}
          >
            <StateIcon name="bell-off" />
            <span className="numeric__alarm-off-words">{strings.alarmOffMark.short}</span>
          </span>
        )}
        <span className="numeric__unit">{unit}</span>
      </header>
      <output className="numeric__value" data-testid="numeric-value" aria-live="off">
        {shown}
      </output>
      <footer className="numeric__footer">
        {state === 'stale' && <span className="numeric__stale">{strings.staleValue}</span>}
        {rhythmOff && (
          <span className="numeric__rhythm-off" data-testid="rhythm-off-mark">
            <StateIcon name="bell-off" />
            {strings.alarmOffMark.rhythm}
          </span>
        )}
        {limitText && <span className="numeric__limits">{limitText}</span>}
      </footer>
    </section>
  );
}
