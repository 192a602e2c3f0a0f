// The workstation's settings: for now the central server. A nurse or biomedical engineer enters
// the server's address and a one-time code once; from then on the host sends everything it
// keeps whenever the link is up. The host does the networking; this screen only asks and shows.
import { useState, type FormEvent } from 'react';
import type { WorkstationClient } from '../../../shared/api/client';
import type { SyncStatus } from '../../../shared/api/contract-sync';
import { reasonOf } from '../api/reason';
import { timeOrDateAndTime } from '../clinical/clinical-time';
import { useNow } from '../hooks/use-now';
import { strings } from '../strings';
import { useAccess } from '../components/access/access-context';
import { Accounts } from '../components/access/Accounts';
import { byteWords, durationWords } from '../strings/exports';
import '../components/sync/sync.css';

/** `status` is the app's own subscription (the status line's): this view opens none of its own. */
export function Settings({
  client,
  status,
}: {
  client: WorkstationClient;
  status: SyncStatus | null;
}) {
  const s = strings.sync;
  const { access } = useAccess();
  // Accounts are managed by whoever may (an IT administrator), once the workstation is set up.
  const managesAccounts = access?.setUp === true && access.permissions.includes('users');
  return (
    <main className="view sync-settings" data-testid="settings">
      <header className="view__header">
        <h1 className="view__title">{s.title}</h1>
      </header>
      {status === null ? (
        <p role="status" aria-busy="true">
          {strings.connecting}
        </p>
      ) : status.enrolled ? (
        <Enrolled client={client} status={status} />
      ) : (
        <EnrolForm client={client} />
      )}
      {managesAccounts && <Accounts client={client} />}
    </main>
  );
}

function EnrolForm({ client }: { client: WorkstationClient }) {
  const s = strings.sync;
  const [server, setServer] = useState('');
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [caPem, setCaPem] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    client
      .request('enrol', {
        server,
        code,
        ...(name.trim() ? { name } : {}),
        ...(caPem.trim() ? { caPem } : {}),
      })
      .catch((error: unknown) => setProblem(reasonOf(error)))
      .finally(() => setBusy(false));
  };

  const readFile = (file: File | undefined) => {
    if (!file) return;
    if (file.size > 64 * 1024) {
      setProblem('That file is larger than a certificate: choose the CA’s PEM file.');
      return;
    }
    file.text().then(setCaPem, (error: unknown) => setProblem(reasonOf(error)));
  };

  return (
    <form className="sync-settings__panel" onSubmit={submit} data-testid="enrol-form">
      <h2>{s.enrolTitle}</h2>
      <p className="sync-settings__hint">{s.enrolHint}</p>
      <div className="sync-settings__fields">
        <label htmlFor="enrol-server">{s.server}</label>
        <input
          id="enrol-server"
          type="url"
          required
          value={server}
          placeholder={s.serverPlaceholder}
          onChange={(e) => setServer(e.target.value)}
          autoComplete="url"
        />
        <label htmlFor="enrol-code">{s.code}</label>
        <input
          id="enrol-code"
          required
          value={code}
          placeholder={s.codePlaceholder}
          onChange={(e) => setCode(e.target.value)}
          autoComplete="off"
          spellCheck={false}
        />
        <label htmlFor="enrol-name">{s.name}</label>
        <input
          id="enrol-name"
          value={name}
          placeholder={s.namePlaceholder}
          onChange={(e) => setName(e.target.value)}
        />
        <label htmlFor="enrol-ca">{s.ca}</label>
        <div className="sync-settings__ca">
          <textarea
            id="enrol-ca"
            value={caPem}
            onChange={(e) => setCaPem(e.target.value)}
            placeholder="-----BEGIN CERTIFICATE-----"
            aria-describedby="enrol-ca-hint"
            spellCheck={false}
          />
          <span id="enrol-ca-hint" className="sync-settings__hint">
            {s.caHint}
          </span>
          <label className="button sync-settings__file">
            {s.caFile}
            <input
              type="file"
              accept=".pem,.crt,.cer"
              hidden
              onChange={(e) => readFile(e.target.files?.[0])}
            />
          </label>
        </div>
      </div>
      {problem && (
        <p className="sync-settings__problem" role="alert" data-testid="enrol-problem">
          {problem}
        </p>
      )}
      <div className="sync-settings__buttons">
        <button type="submit" className="button" disabled={busy} data-testid="enrol-submit">
          {busy ? s.enrolling : s.enrol}
        </button>
      </div>
    </form>
  );
}

function Enrolled({ client, status }: { client: WorkstationClient; status: SyncStatus }) {
  const s = strings.sync;
  const now = useNow(5_000);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [requeued, setRequeued] = useState<number | null>(null);
  const when = (ms: number | null) => (ms === null ? s.facts.never : timeOrDateAndTime(ms, now));
  const lanes = [0, 1, 2].map(
    (lane) =>
      status.waiting.byLane.find((l) => l.lane === lane) ?? {
        lane,
        rows: 0,
        bytes: 0,
        oldestAtMs: null,
      },
  );
  const forget = () => {
    setProblem(null);
    client
      .request('forgetEnrolment', {})
      .then(() => setConfirming(false))
      .catch((error: unknown) => setProblem(reasonOf(error)));
  };
  const sendAgain = () => {
    setProblem(null);
    client
      .request('sendSetAsideAgain', {})
      .then(({ requeued: n }) => setRequeued(n))
      .catch((error: unknown) => setProblem(reasonOf(error)));
  };
  return (
    <>
      <section className="sync-settings__panel" aria-labelledby="sync-status-title">
        <h2 id="sync-status-title">{s.statusTitle}</h2>
        <dl className="sync-settings__facts" data-testid="sync-facts">
          <dt>{s.facts.server}</dt>
          <dd>{status.server}</dd>
          <dt>{s.facts.workstation}</dt>
          <dd>{status.workstationName ?? '—'}</dd>
          <dt>{s.facts.unit}</dt>
          <dd>{status.unit ?? '—'}</dd>
          <dt>{s.facts.state}</dt>
          <dd data-testid="sync-state" data-state={status.state}>
            {s.states[status.state]}
          </dd>
          <dt>{s.facts.since}</dt>
          <dd>{when(status.since)}</dd>
          <dt>{s.facts.lastSuccess}</dt>
          <dd>{when(status.lastSuccessAtMs)}</dd>
        </dl>
      </section>
      <section className="sync-settings__panel" aria-labelledby="sync-backlog-title">
        <h2 id="sync-backlog-title">{s.backlogTitle}</h2>
        {status.waiting.rows === 0 ? (
          <p data-testid="sync-nothing-waiting">{s.nothingWaiting}</p>
        ) : (
          <table data-testid="sync-backlog">
            <caption className="sync-settings__hint">{s.backlogCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{s.columns.what}</th>
                <th scope="col" className="number">
                  {s.columns.rows}
                </th>
                <th scope="col" className="number">
                  {s.columns.bytes}
                </th>
                <th scope="col">{s.columns.oldest}</th>
              </tr>
            </thead>
            <tbody>
              {lanes.map((lane) => (
                <tr key={lane.lane}>
                  <th scope="row">{s.lanes[lane.lane]}</th>
                  <td className="number">{lane.rows.toLocaleString('en-GB')}</td>
                  <td className="number">{byteWords(lane.bytes)}</td>
                  <td>{lane.oldestAtMs === null ? '—' : when(lane.oldestAtMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {status.drain && (
          <p>
            {s.drain(
              `${byteWords(status.drain.bytesPerS)}/s`,
              status.drain.etaS === null ? '' : `about ${durationWords(status.drain.etaS)} left`,
            )}
          </p>
        )}
      </section>
      {(status.setAside.count > 0 || requeued !== null) && (
        <section className="sync-settings__panel" aria-labelledby="sync-aside-title">
          <h2 id="sync-aside-title">{s.setAsideTitle}</h2>
          {status.setAside.count > 0 && <p>{s.setAside(status.setAside.count)}</p>}
          {status.setAside.count > 0 && status.setAside.lastReason && (
            <p className="sync-settings__hint">
              {s.setAsideReason}: {status.setAside.lastReason}
            </p>
          )}
          {requeued !== null && (
            <p role="status" data-testid="sync-requeued">
              {s.requeued(requeued)}
            </p>
          )}
          {status.setAside.count > 0 && (
            <div className="sync-settings__buttons">
              <button type="button" className="button" onClick={sendAgain}>
                {s.sendAgain(status.setAside.count)}
              </button>
              <span className="sync-settings__hint">{s.sendAgainHint}</span>
            </div>
          )}
        </section>
      )}
      <section className="sync-settings__panel">
        {problem && (
          <p className="sync-settings__problem" role="alert">
            {problem}
          </p>
        )}
        {confirming ? (
          <>
            <p>{s.forgetConfirm}</p>
            <div className="sync-settings__buttons">
              <button type="button" className="button button--danger" onClick={forget}>
                {s.forgetYes}
              </button>
              <button type="button" className="button" onClick={() => setConfirming(false)}>
                {s.cancel}
              </button>
            </div>
          </>
        ) : (
          <div className="sync-settings__buttons">
            <button type="button" className="button" onClick={() => setConfirming(true)}>
              {s.forget}
            </button>
          </div>
        )}
      </section>
    </>
  );
}
