// Connects to the workstation, finds its beds and shows one at the bedside. Until there is a bed
// to show, the whole screen says plainly what is going on.
import { useEffect, useState, type ReactNode } from 'react';
import type { WorkstationClient } from '../../shared/api/client';
import type { Status } from '../../shared/model/schemas';
import { strings } from './strings';
import { DevicePanel } from './components/DevicePanel';
import { Bedside } from './views/Bedside';

const RETRY_AFTER_MS = 3000;
/** With no beds yet, look again now and then: one may be configured while this screen waits. */
const RECHECK_EMPTY_AFTER_MS = 5000;

type Phase =
  | { kind: 'connecting' }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'ready'; status: Status };

export function App({ client }: { client: WorkstationClient }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'connecting' });
  const [attempt, setAttempt] = useState(0);
  const [chosenBedId, setChosenBedId] = useState<string | null>(null);

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

  const waitingForRetry =
    phase.kind === 'unreachable' || (phase.kind === 'ready' && phase.status.beds.length === 0);
  useEffect(() => {
    if (!waitingForRetry) return;
    const delay = phase.kind === 'unreachable' ? RETRY_AFTER_MS : RECHECK_EMPTY_AFTER_MS;
    const timer = setTimeout(() => setAttempt((n) => n + 1), delay);
    return () => clearTimeout(timer);
  }, [waitingForRetry, phase.kind, attempt]);

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
  const bed = beds.find((b) => b.id === chosenBedId) ?? beds[0];
  if (!bed) {
    return (
      <FullScreenMessage title={strings.noBedsTitle}>
        <p>{strings.noBedsHint}</p>
        <DevicePanel
          client={client}
          bedLabel="Bed 1"
          editableBed
          onConnected={(bedId) => {
            setChosenBedId(bedId);
            setAttempt((n) => n + 1);
          }}
        />
      </FullScreenMessage>
    );
  }

  const chooser =
    beds.length > 1 ? (
      <nav className="bed-chooser" aria-label={strings.bedChooser}>
        {beds.map((b) => (
          <button
            key={b.id}
            type="button"
            className="bed-chooser__bed"
            aria-pressed={b.id === bed.id}
            onClick={() => setChosenBedId(b.id)}
          >
            {b.label}
          </button>
        ))}
      </nav>
    ) : undefined;

  // Keyed by bed so switching beds starts from that bed's snapshot, not the last bed's traces.
  return (
    <Bedside
      key={bed.id}
      client={client}
      bedId={bed.id}
      headerExtra={chooser}
      notices={phase.status.notices}
    />
  );
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
