// A bed's trends: 1, 8, 24 or 72 hours of its numerics (per-minute rollups from the store) as
// stacked graphs and a table, with alarm starts marked; any moment can be opened in the review.
import { useMemo, useState } from 'react';
import type { WorkstationClient } from '../../../shared/api/client';
import type { BedAlarmSettings } from '../../../shared/model/alarms';
import type { Bed } from '../../../shared/model/schemas';
import { BedViews } from '../components/NavBar';
import { TrendGraphs } from '../components/trends/TrendGraphs';
import { TrendTable } from '../components/trends/TrendTable';
import { TREND_GROUPS } from '../components/trends/trend-groups';
import { groupsWithData } from '../components/trends/trend-grid';
import {
  TREND_SPANS_HOURS,
  stepWindow,
  windowRange,
  type TrendWindow,
} from '../components/trends/trend-window';
import { useTrendData } from '../components/trends/use-trend-data';
import '../components/trends/trends.css';
import 'uplot/dist/uPlot.min.css';
import { useNow } from '../hooks/use-now';
import { routeHref } from '../navigation';
import { strings } from '../strings';

const t = strings.trends;

export function Trends({ client, bed }: { client: WorkstationClient; bed: Bed }) {
  const [shown, setShown] = useState<TrendWindow>({ spanHours: 1, endMs: null });
  const [moment, setMoment] = useState<{ atMs: number; message?: string } | null>(null);
  // Following the clock, the range moves on (and is read again) once a minute.
  const now = useNow(60_000);
  const { fromMs, toMs } = windowRange(shown, now);
  const { data, retry } = useTrendData(client, bed.id, fromMs, toMs);
  const groups = useMemo(
    () => (data.state === 'ready' ? groupsWithData(data.grid, TREND_GROUPS) : []),
    [data],
  );
  const parameters = useMemo(() => groups.flatMap((g) => g.shown), [groups]);
  // The bed is sent anew with every numeric; graphs are redrawn only when the limits change.
  const settingsJson = JSON.stringify(bed.alarmSettings);
  const settings = useMemo(() => JSON.parse(settingsJson) as BedAlarmSettings, [settingsJson]);

  return (
    <main className="view trends" data-testid="trends" data-bed-id={bed.id}>
      <header className="view__header">
        <h1 className="view__title">{bed.label}</h1>
        <BedViews bedId={bed.id} current="trends" />
      </header>

      <div className="trends__controls" role="toolbar" aria-label={t.controls}>
        <div className="trends__spans">
          {TREND_SPANS_HOURS.map((hours) => (
            <button
              key={hours}
              type="button"
              className="button trends__span"
              aria-pressed={shown.spanHours === hours}
              aria-label={t.rangeLabel(hours)}
              onClick={() => setShown({ spanHours: hours, endMs: shown.endMs })}
              data-testid={`trend-span-${hours}`}
            >
              {t.range(hours)}
            </button>
          ))}
        </div>
        <button
          type="button"
          className="button"
          aria-label={t.earlierLabel(shown.spanHours)}
          onClick={() => setShown(stepWindow(shown, -1, Date.now()))}
          data-testid="trend-earlier"
        >
          {t.earlier}
        </button>
        <button
          type="button"
          className="button"
          aria-label={t.laterLabel(shown.spanHours)}
          disabled={shown.endMs === null}
          onClick={() => setShown(stepWindow(shown, 1, Date.now()))}
          data-testid="trend-later"
        >
          {t.later}
        </button>
        <button
          type="button"
          className="button"
          aria-label={t.nowLabel}
          disabled={shown.endMs === null}
          onClick={() => setShown({ spanHours: shown.spanHours, endMs: null })}
        >
          {t.now}
        </button>
        <span className="trends__window" data-testid="trend-window">
          {t.window(fromMs, toMs)}
        </span>
        {data.state === 'ready' && data.updating && (
          <span className="trends__updating">{t.loading}</span>
        )}
      </div>

      {moment && (
        <div
          className="trends__moment"
          role="region"
          aria-label={t.moment}
          data-testid="trend-moment"
        >
          <span>
            {t.momentAt(moment.atMs)}
            {moment.message && ` · ${moment.message}`}
          </span>
          <a
            className="button"
            href={routeHref({ view: 'review', bedId: bed.id, atMs: moment.atMs })}
            data-testid="trend-review-moment"
          >
            {t.reviewMoment}
          </a>
          <button type="button" className="button" onClick={() => setMoment(null)}>
            {t.closeMoment}
          </button>
        </div>
      )}

      {data.state === 'loading' && (
        <p className="trends__message" role="status">
          {t.loading}
        </p>
      )}
      {data.state === 'error' && (
        <div className="trends__message" role="alert">
          <p>{t.failed(data.message)}</p>
          <button type="button" className="button" onClick={retry}>
            {t.retry}
          </button>
        </div>
      )}
      {data.state === 'ready' && groups.length === 0 && (
        <div className="trends__message" data-testid="trends-empty">
          <p>{t.empty}</p>
          <p className="trends__hint">{t.emptyHint}</p>
        </div>
      )}
      {data.state === 'ready' && groups.length > 0 && (
        <div className="trends__body">
          <TrendGraphs
            grid={data.grid}
            groups={groups}
            marks={data.marks}
            settings={settings}
            onPick={setMoment}
          />
          <TrendTable
            grid={data.grid}
            parameters={parameters}
            chosenMs={moment?.atMs ?? null}
            onPick={(atMs) => setMoment({ atMs })}
          />
        </div>
      )}
    </main>
  );
}
