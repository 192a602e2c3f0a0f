// The consult once in: one line about the consult and how far behind the view is (always shown),
// then the bed live, its trends or its review (the workstation's own views, read-only as on the
// hospital central station), and beside them the stethoscope and the consult notes. The bed's
// live stream stays open whichever view is shown, so the latency line is always true.
import { Suspense, lazy, useEffect, useRef } from 'react';
import { HostOriginContext } from '../api/host-origin';
import { useTheme } from '../components/NavBar';
import { useNow } from '../hooks/use-now';
import { useRoute } from '../navigation';
import { strings } from '../strings';
import { useBedLive } from '../views/use-bed-live';
import { AuscultationSlot } from './AuscultationSlot';
import { ConsultNotes } from './ConsultNotes';
import { liveness } from './latency';
import { StripButton } from './StripButton';
import { LiveBed } from './LiveBed';
import { telehealthStrings as t } from './strings';
import { leave, type JoinedSession } from './viewer-api';
import { connectViewer, type ViewerConnection } from './viewer-connection';
import { pointsPerSecond, viewerSocketUrl } from './viewer-link';

// Trends and review load when first opened: the live view comes first on a slow link.
const Trends = lazy(() => import('../views/Trends').then((m) => ({ default: m.Trends })));
const Review = lazy(() => import('../views/Review').then((m) => ({ default: m.Review })));

export type ShutOut = 'ended' | 'signed-out' | 'left';

/**
 * The page's one socket, asking for the waveform resolution this screen can show; a close with a
 * viewer close code ends the page.
 */
export function openConnection(
  onShutOut: (why: ShutOut, sentence: string) => void,
): ViewerConnection {
  const pps = pointsPerSecond(document.documentElement.clientWidth, window.devicePixelRatio);
  return connectViewer(viewerSocketUrl(window.location, pps), ({ ended, sentence }) =>
    onShutOut(ended ? 'ended' : 'signed-out', sentence),
  );
}

/** How often the latency line is read again. */
const LATENCY_REDRAW_MS = 250;

export function ViewerScreen({
  joined,
  connection,
  onShutOut,
}: {
  joined: JoinedSession;
  /** Opened when the session began (openConnection), outside React's render. */
  connection: ViewerConnection;
  onShutOut: (why: ShutOut, sentence: string) => void;
}) {
  const { session, offsetMs } = joined;
  const live = useBedLive(connection.client, session.bedId);
  const route = useRoute();
  const [theme, setTheme] = useTheme();

  const { bed, streamProblem } = live.state;
  const reconnecting = streamProblem === strings.connectionLost;
  // Another problem of the stream (the server refused it): said as it is, under the latency line.
  const otherProblem =
    streamProblem !== null && !reconnecting && !bed?.offline ? streamProblem : null;

  const leaveConsult = async () => {
    const answer = await leave();
    if (!answer.ok) return answer.refusal.message;
    onShutOut('left', t.left);
    return null;
  };
  useEffect(() => {
    document.title = `${t.pageTitle} — ${session.bedLabel}`;
  }, [session.bedLabel]);
  // A socket stuck behind TCP's retransmissions is given up for a fresh one that resumes where
  // the trace ends (viewer-connection.ts); the latency line says "Reconnecting…" meanwhile.
  const clinicDown = Boolean(bed?.offline);
  const context = useRef({ offsetMs, clinicDown });
  useEffect(() => {
    context.current = { offsetMs, clinicDown };
  }, [offsetMs, clinicDown]);
  useEffect(() => connection.watchStalls(() => context.current), [connection]);

  const onThisBed = route.view !== 'central' && 'bedId' in route && route.bedId === session.bedId;
  const view = onThisBed ? route.view : 'bed';
  return (
    <HostOriginContext.Provider value="central">
      <div className="telehealth" data-testid="telehealth-viewer" data-view={view}>
        <header className="telehealth__consult" aria-label={t.consultRegion}>
          <p className="telehealth__who">
            <strong>{t.pageTitle}</strong>{' '}
            {session.workstationName ? t.from(session.workstationName) : null}
            <span className="telehealth__watching">
              {t.watching(session.viewerName, session.invitedBy, session.expiresAtMs)}
            </span>
          </p>
          <LatencyLine
            connection={connection}
            reconnecting={reconnecting}
            offline={bed?.offline ?? null}
            offsetMs={offsetMs}
          />
          {view === 'review' && (
            <button
              type="button"
              className="button telehealth__print"
              title={t.printHint}
              onClick={() => window.print()}
              data-testid="print-review"
            >
              {t.print}
            </button>
          )}
          {view !== 'trends' && (
            <StripButton
              bedId={session.bedId}
              bedLabel={session.bedLabel}
              review={view === 'review'}
            />
          )}
          <button
            type="button"
            className="button telehealth__theme"
            onClick={() => setTheme(theme === 'night' ? 'day' : 'night')}
            aria-label={theme === 'night' ? strings.nav.toDay : strings.nav.toNight}
          >
            {theme === 'night' ? strings.nav.day : strings.nav.night}
          </button>
          {otherProblem && (
            <p className="telehealth__problem" role="alert" data-testid="stream-problem">
              {otherProblem}
            </p>
          )}
        </header>
        <div className="telehealth__view">
          {view === 'bed' || !bed ? (
            <LiveBed bedId={session.bedId} bedLabel={session.bedLabel} live={live} />
          ) : (
            <Suspense
              fallback={
                <p className="bedside__waiting" role="status">
                  {t.loadingView}
                </p>
              }
            >
              {view === 'trends' ? (
                <Trends client={connection.client} bed={bed} />
              ) : (
                <Review
                  client={connection.client}
                  bed={bed}
                  atMs={route.view === 'review' ? route.atMs : undefined}
                />
              )}
            </Suspense>
          )}
        </div>
        <aside className="telehealth__side">
          <AuscultationSlot client={connection.client} bedId={session.bedId} />
          <ConsultNotes initial={session.notes} onLeave={leaveConsult} />
        </aside>
      </div>
    </HostOriginContext.Provider>
  );
}

function LatencyLine({
  connection,
  reconnecting,
  offline,
  offsetMs,
}: {
  connection: ViewerConnection;
  reconnecting: boolean;
  offline: { sinceMs: number; lastDataMs: number | null } | null;
  offsetMs: number;
}) {
  const nowMs = useNow(LATENCY_REDRAW_MS);
  const shown = liveness({
    reconnecting,
    offline,
    newestDataMs: connection.newestDataMs(),
    nowMs,
    offsetMs,
  });
  return (
    <p className="telehealth__latency" data-kind={shown.kind} data-testid="latency">
      {shown.text}
    </p>
  );
}
