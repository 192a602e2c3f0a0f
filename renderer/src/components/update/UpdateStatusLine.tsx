// The updater's line at the foot of a workstation's screens, shown only while there is something
// to say (a download, an update waiting for a safe moment, a refusal). "Install now" first lists
// every monitored bed: the workstation never restarts under a patient unless a person, shown
// them, chooses it. The host's policy decides; this only shows and asks.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { UpdateStatus } from '../../../../shared/api/contract-update';
import { installRoleWords } from '../../../../shared/update/install-roles';
import { strings } from '../../strings';
import { mayNow, useAccess } from '../access/access-context';
import './update.css';

const s = strings.update;

export function UpdateStatusLine({
  status,
  client,
}: {
  status: UpdateStatus | null;
  client: WorkstationClient;
}) {
  const [confirming, setConfirming] = useState(false);
  const { access } = useAccess();
  // Offered to whoever may manage the workstation, and to a screen nobody has signed in to yet
  // (the sign-in is asked for first); not to a signed-in user whose role may not install.
  const mayOffer =
    mayNow(access, 'system') || (access !== null && (access.user === null || access.locked));
  if (status === null || status.state === 'current') return null;
  const tone = status.state === 'refused' || status.state === 'failed-start' ? 'warning' : 'info';
  const percent =
    status.progress && status.progress.totalBytes > 0
      ? Math.floor((100 * status.progress.receivedBytes) / status.progress.totalBytes)
      : null;
  return (
    <>
      <footer className="update-line" data-tone={tone} data-testid="update-status-line">
        <span role="status" className="update-line__text" data-state={status.state}>
          {status.line}
          {status.state === 'downloading' && percent !== null ? s.progress(percent) : ''}
        </span>
        {status.installable && mayOffer && !confirming && (
          <button
            type="button"
            className="update-line__install"
            onClick={() => setConfirming(true)}
            data-testid="update-install-now"
          >
            {s.installNow}
          </button>
        )}
      </footer>
      {confirming && (
        <InstallConfirm status={status} client={client} onClose={() => setConfirming(false)} />
      )}
    </>
  );
}

function InstallConfirm({
  status,
  client,
  onClose,
}: {
  status: UpdateStatus;
  client: WorkstationClient;
  onClose: () => void;
}) {
  // The list the person is shown is the one sent back: beds added meanwhile make the host refuse.
  const [shown, setShown] = useState(status.monitoredBeds);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    client.request('installUpdateNow', { sawBedIds: shown.map((b) => b.bedId) }).then(
      (answer) => {
        setBusy(false);
        if (answer.installing) return;
        const changed =
          answer.status.monitoredBeds.map((b) => b.bedId).join() !==
          shown.map((b) => b.bedId).join();
        setShown(answer.status.monitoredBeds);
        setProblem(changed ? s.changed : s.refused + answer.status.line);
      },
      (error: unknown) => {
        setBusy(false);
        setProblem(s.refused + (error instanceof Error ? error.message : String(error)));
      },
    );
  };
  return (
    <form
      className="update-confirm"
      role="alertdialog"
      aria-labelledby="update-confirm-title"
      aria-describedby="update-confirm-hint"
      onSubmit={submit}
      onKeyDown={(event) => event.key === 'Escape' && onClose()}
      data-testid="update-confirm"
    >
      <h2 id="update-confirm-title">{s.confirmTitle(status.offeredVersion ?? '')}</h2>
      <p id="update-confirm-hint">{shown.length === 0 ? s.confirmNoBeds : s.confirmBeds}</p>
      {shown.length > 0 && (
        <ul className="update-confirm__beds" data-testid="update-confirm-beds">
          {shown.map((bed) => (
            <li key={bed.bedId}>{s.bedLine(bed.label, bed.patient, bed.devices)}</li>
          ))}
        </ul>
      )}
      <p className="update-confirm__who" data-testid="update-confirm-who">
        {s.who(installRoleWords())}
      </p>
      {problem && (
        <p className="update-confirm__problem" role="alert">
          {problem}
        </p>
      )}
      <div className="update-confirm__actions">
        <button type="button" ref={cancel} onClick={onClose}>
          {s.cancel}
        </button>
        <button
          type="submit"
          className="danger"
          disabled={busy}
          data-testid="update-confirm-install"
        >
          {s.confirm}
        </button>
      </div>
    </form>
  );
}
