// Full-disclosure review of a bed: any window of the stored signal (72 h) on ECG paper at
// 12.5 / 25 / 50 mm/s and 5 / 10 / 20 mm/mV, moved by screen, by 10 s, by keyboard, by time or
// by the scrollbar; alarms and events to jump to; calipers for RR, QT and ST.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { AlarmLogItem } from '../../../shared/api/contract';
import type { WorkstationClient } from '../../../shared/api/client';
import type { Bed } from '../../../shared/model/schemas';
import { BedViews } from '../components/NavBar';
import { CaliperPanel } from '../components/review/CaliperPanel';
import type { CaliperMode } from '../components/review/CaliperMarkers';
import type { AmplitudeCaliper, TimeCaliper } from '../components/review/calipers';
import {
  visibleDurationMs,
  type EcgGainMmPerMv,
  type PaperSpeedMmPerS,
} from '../components/review/paper';
import { ReviewEvents } from '../components/review/ReviewEvents';
import { ReviewBeats } from '../components/review/ReviewBeats';
import type { BeatMark } from '../../../shared/api/contract-beats';
import { ReviewExports } from '../components/review/ReviewExports';
import { ReviewNavigator } from '../components/review/ReviewNavigator';
import { ReviewPaper } from '../components/review/ReviewPaper';
import {
  centredWindow,
  clampWindow,
  nextMoment,
  previousMoment,
  RETENTION_MS,
  SMALL_STEP_MS,
} from '../components/review/review-window';
import { useReviewSignal, useStoredExtent } from '../components/review/use-review-signal';
import '../components/review/review.css';
import { strings } from '../strings';
import { useThemeName } from '../theme';
import { reasonOf } from '../api/reason';
import { useActsOnBeds } from '../api/host-origin';

const t = strings.review;
const te = strings.exports;
const EVENT_LIMIT = 5000;

/** The paper's size, followed as the window resizes. */
function usePaperSize() {
  const ref = useRef<HTMLDivElement>(null);
  const [widthPx, setWidthPx] = useState(0);
  const [heightPx, setHeightPx] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => {
      setWidthPx(Math.floor(element.clientWidth));
      setHeightPx(Math.floor(element.clientHeight));
    };
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    measure();
    return () => observer.disconnect();
  }, []);
  return [ref, widthPx, heightPx] as const;
}

function useAlarmEvents(client: WorkstationClient, bedId: string) {
  const [events, setEvents] = useState<AlarmLogItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    client
      .request('getAlarmLog', { bedId, fromMs: Date.now() - RETENTION_MS, limit: EVENT_LIMIT })
      .then(
        (log) => current && setEvents(log),
        (err: unknown) => current && setError(reasonOf(err)),
      );
    return () => {
      current = false;
    };
  }, [client, bedId]);
  return { events, error };
}

/**
 * The beats marked in the window on the paper (null while they are read; none while there is no
 * paper), or why they could not be read (never shown as "no beats": the hospital central station
 * does not serve them).
 */
function useBeatMarks(
  client: WorkstationClient,
  bedId: string,
  window: { fromMs: number; toMs: number } | null,
) {
  const [marks, setMarks] = useState<BeatMark[] | null>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const fromMs = window?.fromMs;
  const toMs = window?.toMs;
  useEffect(() => {
    if (fromMs === undefined || toMs === undefined || toMs <= fromMs) return;
    let current = true;
    setMarks(null);
    client
      .request('getBeatMarks', { bedId, fromMs, toMs: Math.min(toMs, fromMs + 3_600_000) })
      .then(
        (found) => {
          if (!current) return;
          setMarks(found);
          setProblem(null);
        },
        (error: unknown) => current && setProblem(reasonOf(error)),
      );
    return () => {
      current = false;
    };
  }, [client, bedId, fromMs, toMs]);
  return { marks, problem };
}

export function Review({
  client,
  bed,
  atMs,
}: {
  client: WorkstationClient;
  bed: Bed;
  atMs?: number;
}) {
  const [attempt, setAttempt] = useState(0);
  const [speedMmPerS, setSpeed] = useState<PaperSpeedMmPerS>(25);
  const [gainMmPerMv, setGain] = useState<EcgGainMmPerMv>(10);
  const [centreMs, setCentreMs] = useState<number | null>(atMs ?? null);
  const [mode, setMode] = useState<CaliperMode>('time');
  const [timeCaliper, setTimeCaliper] = useState<TimeCaliper | null>(null);
  const [amplitudeCaliper, setAmplitudeCaliper] = useState<AmplitudeCaliper | null>(null);
  const [exportOpen, setExportOpen] = useState(false);
  // Exports are written by the workstation at the bed, never by the hospital central station.
  const canExport = useActsOnBeds();
  const [paperRef, widthPx, paperHeightPx] = usePaperSize();
  const theme = useThemeName();
  const extentState = useStoredExtent(client, bed.id, attempt);
  const extent = extentState.status === 'found' ? extentState.extent : null;
  const { events, error: eventsError } = useAlarmEvents(client, bed.id);

  const durationMs = widthPx > 0 ? visibleDurationMs(widthPx, speedMmPerS) : 0;
  const window = centreMs !== null && durationMs > 0 ? centredWindow(centreMs, durationMs) : null;
  const signal = useReviewSignal(client, bed.id, window, attempt);
  const { marks: beatMarks, problem: beatsProblem } = useBeatMarks(client, bed.id, window);

  // The route's moment (an alarm, an event) opens the paper centred on it.
  useEffect(() => {
    if (atMs !== undefined) setCentreMs(atMs);
  }, [atMs]);
  // Without one, the newest stored signal, once it is found.
  useEffect(() => {
    if (atMs === undefined && extent && durationMs > 0) {
      setCentreMs((c) => c ?? extent.newestMs - durationMs / 2);
    }
  }, [atMs, extent, durationMs]);

  const centreOn = useCallback(
    (at: number) => {
      if (durationMs <= 0) return setCentreMs(at);
      // Kept within the retention, not the probed extent: probes can miss data beyond a gap.
      const nowMs = Date.now();
      const retention = { oldestMs: nowMs - RETENTION_MS, newestMs: nowMs };
      const w = clampWindow(centredWindow(at, durationMs), retention);
      setCentreMs((w.fromMs + w.toMs) / 2);
    },
    [durationMs],
  );
  const step = (ms: number) => centreMs !== null && centreOn(centreMs + ms);
  const moments = (events ?? []).map((e) => e.atMs);
  const jumpPrevious = () => {
    const at = centreMs === null ? undefined : previousMoment(moments, centreMs);
    if (at !== undefined) centreOn(at);
  };
  const jumpNext = () => {
    const at = centreMs === null ? undefined : nextMoment(moments, centreMs);
    if (at !== undefined) centreOn(at);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    const target = event.target as HTMLElement;
    if (target.closest('input, select, textarea, [role="slider"]')) return;
    const moves: Record<string, number> = {
      ArrowLeft: -SMALL_STEP_MS,
      ArrowRight: SMALL_STEP_MS,
      PageUp: -durationMs,
      PageDown: durationMs,
    };
    const ms = moves[event.key];
    if (ms === undefined) return;
    event.preventDefault();
    step(ms);
  };

  const placeCalipers = () => {
    if (!window) return;
    const middle = (window.fromMs + window.toMs) / 2;
    if (mode === 'time') setTimeCaliper({ aMs: middle - 400, bMs: middle + 400 });
    else if (signal?.status === 'ready' && signal.channels[0]) {
      // On the first row's highest and lowest points: peak to peak, to be moved from there.
      const channel = signal.channels[0];
      const values = channel.runs.flatMap((run) => run.values);
      const perCount = channel.mvPerCount ?? 1;
      setAmplitudeCaliper({
        rowKey: channel.key,
        aValue: Math.max(...values) * perCount,
        bValue: Math.min(...values) * perCount,
      });
    }
  };

  const drawn = signal?.status === 'ready' ? signal : null;
  const loaded =
    drawn !== null &&
    window !== null &&
    drawn.window.fromMs === window.fromMs &&
    drawn.window.toMs === window.toMs;
  let message: string | null = null;
  if (centreMs === null) {
    if (extentState.status === 'finding') message = t.finding;
    else if (extentState.status === 'empty') message = t.nothingStored;
    else if (extentState.status === 'failed') message = t.failed(extentState.reason);
  } else if (signal?.status === 'failed') message = t.failed(signal.reason);
  else if (!drawn) message = t.loading;
  else if (loaded && drawn.channels.length === 0) message = t.noSignalHere;

  return (
    <main className="view review" data-testid="review" data-bed-id={bed.id} onKeyDown={onKeyDown}>
      <header className="view__header">
        <h1 className="view__title">{bed.label}</h1>
        <BedViews bedId={bed.id} current="review" />
        {canExport && (
          <button
            type="button"
            className="button review__export"
            aria-expanded={exportOpen}
            aria-controls="review-exports"
            title={te.openLabel}
            onClick={() => setExportOpen((open) => !open)}
            data-testid="export-open"
          >
            {te.open}
          </button>
        )}
      </header>
      {window && (
        <ReviewNavigator
          window={window}
          extent={extent}
          speedMmPerS={speedMmPerS}
          gainMmPerMv={gainMmPerMv}
          onSpeed={setSpeed}
          onGain={setGain}
          onStep={step}
          onCentre={centreOn}
        />
      )}
      {message && (
        <p className="review__message" role="status" data-testid="review-message">
          {message}
          {(signal?.status === 'failed' || extentState.status === 'failed') && (
            <button type="button" className="button" onClick={() => setAttempt((n) => n + 1)}>
              {t.retry}
            </button>
          )}
        </p>
      )}
      <div className="review__body">
        <div
          className="review__paper"
          ref={paperRef}
          role="region"
          tabIndex={0}
          aria-label={t.paperLabel}
        >
          {drawn && widthPx > 0 && (
            <ReviewPaper
              widthPx={widthPx}
              minHeightPx={paperHeightPx}
              window={drawn.window}
              channels={drawn.channels}
              speedMmPerS={speedMmPerS}
              gainMmPerMv={gainMmPerMv}
              loaded={loaded}
              caliperMode={mode}
              timeCaliper={timeCaliper}
              amplitudeCaliper={amplitudeCaliper}
              onTimeCaliper={setTimeCaliper}
              onAmplitudeCaliper={setAmplitudeCaliper}
              theme={theme}
              beatMarks={beatMarks ?? undefined}
            />
          )}
        </div>
        <aside className="review__side">
          {canExport && (
            <ReviewExports
              client={client}
              bedId={bed.id}
              shown={window}
              extent={extent}
              hasPatient={bed.patient !== null}
              open={exportOpen}
              onClose={() => setExportOpen(false)}
            />
          )}
          <CaliperPanel
            mode={mode}
            onMode={setMode}
            timeCaliper={timeCaliper}
            amplitudeCaliper={amplitudeCaliper}
            channels={drawn?.channels ?? []}
            onPlace={placeCalipers}
            onClear={() => (mode === 'time' ? setTimeCaliper(null) : setAmplitudeCaliper(null))}
          />
          <ReviewBeats
            client={client}
            bedId={bed.id}
            marks={beatMarks}
            problem={beatsProblem}
            centreMs={centreMs}
            onJump={centreOn}
          />
          <ReviewEvents
            events={events}
            error={eventsError}
            centreMs={centreMs}
            onJump={centreOn}
            onPrevious={jumpPrevious}
            onNext={jumpNext}
          />
        </aside>
      </div>
    </main>
  );
}
