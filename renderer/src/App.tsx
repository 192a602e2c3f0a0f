// Connects to the workstation, reads its beds and shows the view the address names: the central
// station first. Until there is a bed to show, the whole screen says plainly what is going on.
import { useEffect, useState, type ReactNode } from 'react';
import type { WorkstationClient } from '../../shared/api/client';
import type { Status } from '../../shared/model/schemas';
import type { SyncStatus } from '../../shared/api/contract-sync';
import { strings } from './strings';
import { DevicePanel } from './components/DevicePanel';
import { Bedside } from './views/Bedside';
import { CentralStation } from './views/CentralStation';
import { Devices } from './views/Devices';
import { Patients } from './views/Patients';
import { Review } from './views/Review';
import { Trends } from './views/Trends';
import { Settings } from './views/Settings';
import { SyncStatusLine } from './components/sync/SyncStatusLine';
import { useSyncStatus } from './components/sync/use-sync-status';
import { UpdateStatusLine } from './components/update/UpdateStatusLine';
import { useUpdateStatus } from './components/update/use-update-status';
import { BedViews, NavBar } from './components/NavBar';
import { navigate, routeHref, useRoute, type Route } from './navigation';
import { useScreenReport } from './api/use-screen-report';
import { SoundBanner } from './components/alarms/SoundBanner';
import { useSoundAvailability } from './components/alarms/sound-availability';
import { HostOriginContext, useActsOnBeds } from './api/host-origin';
import {
  AccessContext,
  mayNow,
  useAccess,
  useAccessControl,
} from './components/access/access-context';
import { SignInToSee } from './components/access/SignInToSee';
import { AccessBar } from './components/access/AccessBar';
import { useNoteActivity } from './components/access/activity';

const RETRY_AFTER_MS = 3000;
/** With no beds yet, look again now and then: one may be configured while this screen waits. */
const RECHECK_EMPTY_AFTER_MS = 5000;
const RECHECK_AFTER_MS = 10_000;

type Phase =
  | { kind: 'connecting' }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'ready'; status: Status };

export function App({ client: raw }: { client: WorkstationClient }) {
  // One `access` subscription for the app; every view gets the client that asks to sign in when
  // an action is refused for want of it, then tries again.
  const accessControl = useAccessControl(raw);
  const { access, client } = accessControl;
  useNoteActivity(raw, access?.principal === 'user' && !access.locked);
  return (
    <AccessContext.Provider value={accessControl}>
      <Screens client={client} />
    </AccessContext.Provider>
  );
}

function Screens({ client }: { client: WorkstationClient }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'connecting' });
  const [attempt, setAttempt] = useState(0);
  const route = useRoute();
  // Every screen tells the host, while it is open, whether it can sound an alarm now.
  const sound = useSoundAvailability();
  useScreenReport(client, sound === 'running');
  // A workstation's screens say on one line whether its data reach the central server.
  const origin = phase.kind === 'ready' ? (phase.status.origin ?? 'workstation') : null;
  const syncStatus = useSyncStatus(client, origin === 'workstation');
  const updateStatus = useUpdateStatus(client, origin === 'workstation');

  useEffect(() => {
    let cancelled = false;
    client.request('getStatus', {}).then(
      (status) => !cancelled && setPhase({ kind: 'ready', status }),
      (error: unknown) =>
        !cancelled &&
        setPhase({ kind: 'unreachable', reason: error instanceof Error ? error.message : '' }),
    );
    return () => {
      cancelled = true;
    };
  }, [client, attempt]);

  // Look again now and then: a bed, a patient or a device may change from another screen.
  const noBeds = phase.kind === 'ready' && phase.status.beds.length === 0;
  useEffect(() => {
    if (phase.kind === 'connecting') return;
    const delay =
      phase.kind === 'unreachable'
        ? RETRY_AFTER_MS
        : noBeds
          ? RECHECK_EMPTY_AFTER_MS
          : RECHECK_AFTER_MS;
    const timer = setTimeout(() => setAttempt((n) => n + 1), delay);
    return () => clearTimeout(timer);
  }, [phase.kind, noBeds, attempt]);

  if (phase.kind === 'connecting') {
    return <FullScreenMessage title={strings.connecting} busy />;
  }
  if (phase.kind === 'unreachable') {
    return (
      <FullScreenMessage title={strings.unreachableTitle} alert>
        {phase.reason && <p className="full-screen__detail">{phase.reason}</p>}
        <p>{strings.unreachableHint}</p>
        <button type="button" className="button" onClick={() => setAttempt((n) => n + 1)}>
          {strings.retryNow}
        </button>
      </FullScreenMessage>
    );
  }

  const { beds } = phase.status;
  if (beds.length === 0 && origin === 'central') {
    return (
      <FullScreenMessage title={strings.central.noBedsTitle}>
        <p>{strings.central.noBedsHint}</p>
      </FullScreenMessage>
    );
  }
  if (
    beds.length === 0 &&
    route.view !== 'patients' &&
    route.view !== 'devices' &&
    route.view !== 'settings'
  ) {
    return (
      <div className="app">
        <AccessBar />
        <FullScreenMessage title={strings.noBedsTitle}>
          <p>{strings.noBedsHint}</p>
          <DevicePanel
            client={client}
            bedLabel="Bed 1"
            editableBed
            onConnected={(bedId) => {
              navigate({ view: 'bed', bedId });
              setAttempt((n) => n + 1);
            }}
          />
        </FullScreenMessage>
      </div>
    );
  }

  return (
    <HostOriginContext.Provider value={origin ?? 'workstation'}>
      <div className="app">
        <SoundBanner availability={sound} />
        <NavBar route={route} />
        <AccessBar />
        <div className="app__view">
          <RoutedView
            route={route}
            client={client}
            status={phase.status}
            onStatusChanged={() => setAttempt((n) => n + 1)}
            syncStatus={syncStatus}
          />
        </div>
        {origin === 'workstation' && <UpdateStatusLine status={updateStatus} client={client} />}
        {origin === 'workstation' && <SyncStatusLine status={syncStatus} />}
      </div>
    </HostOriginContext.Provider>
  );
}

interface RoutedViewProps {
  route: Route;
  client: WorkstationClient;
  status: Status;
  /** Beds, patients or devices changed: read the status again. */
  onStatusChanged: () => void;
  /** The workstation's sync status (null until known), shown by the settings view. */
  syncStatus: SyncStatus | null;
}

function RoutedView({ route, client, status, onStatusChanged, syncStatus }: RoutedViewProps) {
  const actsOnBeds = useActsOnBeds();
  const { access } = useAccess();
  // The hospital central station has no patients or devices views: they act at the workstation.
  if (
    !actsOnBeds &&
    (route.view === 'patients' || route.view === 'devices' || route.view === 'settings')
  ) {
    return <CentralStation client={client} beds={status.beds} />;
  }
  switch (route.view) {
    case 'central':
      return <CentralStation client={client} beds={status.beds} />;
    case 'patients':
      return <Patients client={client} status={status} onChanged={onStatusChanged} />;
    case 'devices':
      return <Devices client={client} status={status} onChanged={onStatusChanged} />;
    case 'settings':
      return <Settings client={client} status={syncStatus} />;
    case 'bed':
    case 'trends':
    case 'review': {
      const bed = status.beds.find((b) => b.id === route.bedId);
      if (!bed) {
        return (
          <FullScreenMessage title={strings.unknownBed(route.bedId)}>
            <a className="button" href={routeHref({ view: 'central' })}>
              {strings.nav.central}
            </a>
          </FullScreenMessage>
        );
      }
      // A patient's history needs a person signed in: say so rather than fail to read it.
      if (route.view !== 'bed' && !mayNow(access, 'review')) {
        return <SignInToSee header={<BedViews bedId={bed.id} current={route.view} />} />;
      }
      // Keyed by bed so switching beds starts from that bed's snapshot, not the last bed's.
      if (route.view === 'trends') return <Trends key={bed.id} client={client} bed={bed} />;
      if (route.view === 'review') {
        return <Review key={bed.id} client={client} bed={bed} atMs={route.atMs} />;
      }
      return (
        <Bedside
          key={bed.id}
          client={client}
          bedId={bed.id}
          headerExtra={<BedViews bedId={bed.id} current="bed" />}
          notices={status.notices}
        />
      );
    }
  }
}

interface FullScreenMessageProps {
  title: string;
  busy?: boolean;
  alert?: boolean;
  children?: ReactNode;
}

function FullScreenMessage({
  title,
  busy = false,
  alert = false,
  children,
}: FullScreenMessageProps) {
  return (
    <main className="full-screen" role={alert ? 'alert' : 'status'} aria-busy={busy}>
      <h1 className="full-screen__title">{title}</h1>
      {children}
    </main>
  );
}
