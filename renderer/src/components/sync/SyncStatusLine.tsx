// One line at the foot of every screen of a workstation: whether its data reach the central
// server, and, when they do not, that they are all kept here and how much waits. Never a dialog:
// a server that is down is a fact to know, not an error to dismiss.
import type { SyncStatus } from '../../../../shared/api/contract-sync';
import { syncLine } from '../../clinical/sync-words';
import { useNow } from '../../hooks/use-now';
import { routeHref } from '../../navigation';
import { strings } from '../../strings';
import './sync.css';

export function SyncStatusLine({ status }: { status: SyncStatus | null }) {
  const now = useNow(15_000);
  if (status === null) return null;
  const line = syncLine(status, now);
  return (
    <footer className="sync-line" data-tone={line.tone} data-testid="sync-status-line">
      <span className="sync-line__dot" aria-hidden="true" />
      <span role="status" className="sync-line__text" data-state={status.state}>
        {line.text}
      </span>
      <a className="sync-line__link" href={routeHref({ view: 'settings' })}>
        {status.enrolled ? strings.sync.details : strings.sync.setUp}
      </a>
    </footer>
  );
}
