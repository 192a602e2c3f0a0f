// The stacked trend graphs of one time range: a readout of the values under the shared cursor,
// one graph per parameter group, and the alarm starts as markers along the time axis.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { BedAlarmSettings } from '../../../../shared/model/alarms';
import { strings } from '../../strings';
import type { AlarmMark } from './alarm-marks';
import { TrendChart } from './trend-chart';
import {
  NIBP_CODES,
  formatNibp,
  formatTrendValue,
  type TrendGroup,
  type TrendParameter,
} from './trend-groups';
import { lastValueSlot, limitLines, valueRange, type TrendGrid } from './trend-grid';
import { useThemeName } from '../../theme';

const t = strings.trends;

export interface TrendGraphsProps {
  grid: TrendGrid;
  groups: ReadonlyArray<TrendGroup & { shown: TrendParameter[] }>;
  marks: readonly AlarmMark[];
  settings: BedAlarmSettings | undefined;
  onPick(moment: { atMs: number; message?: string }): void;
}

export function TrendGraphs({ grid, groups, marks, settings, onPick }: TrendGraphsProps) {
  const [slot, setSlot] = useState<number | null>(null);
  const [plotArea, setPlotArea] = useState<{ left: number; width: number } | null>(null);
  const shown = useMemo(() => groups.flatMap((g) => g.shown), [groups]);
  const span = grid.toMs - grid.fromMs;

  return (
    <section className="trend-graphs" aria-label={t.graphs}>
      <TrendReadout grid={grid} parameters={shown} slot={slot} />
      <div className="trend-graphs__stack">
        {groups.map((group, i) => (
          <TrendGraph
            key={group.id}
            group={group}
            grid={grid}
            marks={marks}
            settings={settings}
            timeLabels={i === groups.length - 1}
            onCursor={setSlot}
            onPick={(atMs) => onPick({ atMs })}
            onPlotArea={i === groups.length - 1 ? setPlotArea : undefined}
          />
        ))}
      </div>
      <div className="trend-marks" aria-label={t.alarms} role="group" data-testid="trend-alarms">
        {plotArea &&
          marks.map((mark) => {
            const label = t.alarmMark(mark.priority, mark.message, mark.atMs);
            return (
              <button
                key={`${mark.atMs}-${mark.code}`}
                type="button"
                className={`trend-marks__mark trend-marks__mark--${mark.priority}`}
                style={{
                  left: plotArea.left + ((mark.atMs - grid.fromMs) / span) * plotArea.width,
                }}
                title={label}
                aria-label={label}
                data-testid="trend-alarm-mark"
                onClick={() => onPick({ atMs: mark.atMs, message: mark.message })}
              />
            );
          })}
      </div>
      <p className="trend-graphs__note">{t.limitsNote}</p>
    </section>
  );
}

function TrendGraph({
  group,
  grid,
  marks,
  settings,
  timeLabels,
  onCursor,
  onPick,
  onPlotArea,
}: {
  group: TrendGroup & { shown: TrendParameter[] };
  grid: TrendGrid;
  marks: readonly AlarmMark[];
  settings: BedAlarmSettings | undefined;
  timeLabels: boolean;
  onCursor(slot: number | null): void;
  onPick(atMs: number): void;
  onPlotArea?: (area: { left: number; width: number }) => void;
}) {
  const container = useRef<HTMLDivElement>(null);
  const theme = useThemeName();
  const events = useRef({ onCursor, onPick, onPlotArea });
  events.current = { onCursor, onPick, onPlotArea };

  useEffect(() => {
    if (!container.current) return;
    const chart = new TrendChart(
      container.current,
      {
        group,
        shown: group.shown,
        grid,
        limits: limitLines(settings, group.shown),
        marks,
        timeLabels,
      },
      {
        onCursor: (slot) => events.current.onCursor(slot),
        onPick: (atMs) => events.current.onPick(atMs),
        onPlotArea: (area) => events.current.onPlotArea?.(area),
      },
    );
    return () => chart.destroy();
  }, [group, grid, marks, settings, timeLabels, theme]);

  // The value axis the chart draws (trend-grid.ts), exposed so a test can check the limits are on it.
  const range = valueRange(grid, group.shown, limitLines(settings, group.shown));
  return (
    <figure
      className={`trend-graph${timeLabels ? ' trend-graph--time-axis' : ''}`}
      data-testid={`trend-graph-${group.id}`}
      data-value-range={range ? range.map((v) => v.toFixed(2)).join(' ') : undefined}
    >
      <figcaption className="trend-graph__caption">
        {group.shown.map((p) => (
          <span key={p.code} style={{ color: p.color }}>
            {p.label}
          </span>
        ))}
        <span className="trend-graph__unit">{group.unit}</span>
      </figcaption>
      <div className="trend-graph__plot" ref={container} />
    </figure>
  );
}

/** NIBP is measured every few minutes: the readout shows the last one up to an hour back. */
const NIBP_LOOKBACK_SLOTS = 60;

function TrendReadout({
  grid,
  parameters,
  slot,
}: {
  grid: TrendGrid;
  parameters: readonly TrendParameter[];
  slot: number | null;
}) {
  const continuous = parameters.filter((p) => !isNibp(p.code));
  const nibpSlot =
    slot === null || !parameters.some((p) => isNibp(p.code))
      ? undefined
      : lastValueSlot(grid, NIBP_CODES.systolic, slot, NIBP_LOOKBACK_SLOTS);
  return (
    <div className="trend-readout" aria-label={t.readout} data-testid="trend-readout">
      {slot === null ? (
        <span className="trend-readout__hint">{t.readoutHint}</span>
      ) : (
        <>
          <time className="trend-readout__time" data-testid="trend-readout-time">
            {t.at(grid.times[slot]!)}
          </time>
          {continuous.map((p) => (
            <span key={p.code} className="trend-readout__value" data-testid={`readout-${p.code}`}>
              <span style={{ color: p.color }}>{p.label}</span>{' '}
              <b>{formatTrendValue(p, grid.series.get(p.code)?.mean[slot] ?? null) ?? t.noValue}</b>
            </span>
          ))}
          {nibpSlot !== undefined && (
            <span className="trend-readout__value" data-testid="readout-nibp">
              <span>{t.nibp}</span>{' '}
              <b>
                {(nibpSlot !== null &&
                  formatNibp((code) => grid.series.get(code)?.mean[nibpSlot] ?? null)) ||
                  t.noValue}
              </b>
              {nibpSlot !== null && (
                <span className="trend-readout__ago">
                  {t.nibpAgo((slot - nibpSlot) * (grid.bucketMs / 60_000))}
                </span>
              )}
            </span>
          )}
        </>
      )}
    </div>
  );
}

const isNibp = (code: string) => (Object.values(NIBP_CODES) as string[]).includes(code);
