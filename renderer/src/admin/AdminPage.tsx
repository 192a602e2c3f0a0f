// The central server's admin page: IT signs in with the admin token, sees the enrolled
// workstations, makes one-time enrolment codes (for a new workstation, or for one enrolled
// workstation again after a reinstall) and revokes a workstation.
import { useCallback, useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import type { EnrolmentCodeResponse, WorkstationSummary } from '../../../shared/sync/admin';
import { dateAndTime } from '../clinical/clinical-time';
import { adminStrings as s } from '../strings/admin';
import { AdminError, adminApi, tokenStore, type AdminApi } from './admin-api';
import { FhirClients, HospitalLinks } from './HospitalConnections';
import { DangerConfirm } from './DangerConfirm';
import { Releases } from './Releases';
import { AccessAudit } from './AccessAudit';

const when = (iso: string) => dateAndTime(Date.parse(iso));
const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function AdminPage() {
  const [token, setToken] = useState<string | null>(() => tokenStore.read());
  const [notice, setNotice] = useState<string | null>(null);
  const signOut = useCallback((why: string | null) => {
    tokenStore.write(null);
    setNotice(why);
    setToken(null);
  }, []);
  const api = useMemo(() => (token ? adminApi(token) : null), [token]);
  const refused = useCallback(() => signOut(s.signedOutRefused), [signOut]);

  return (
    <div className="admin view">
      <header className="view__header">
        <h1 className="view__title">{s.title}</h1>
        {token && (
          <button
            type="button"
            className="button admin__sign-out"
            onClick={() => signOut(null)}
            data-testid="sign-out"
          >
            {s.signOut}
          </button>
        )}
      </header>
      <main className="admin__main">
        {api ? (
          <SignedIn api={api} token={token!} onRefused={refused} key={token} />
        ) : (
          <SignIn
            notice={notice}
            onSignedIn={(accepted) => {
              tokenStore.write(accepted);
              setNotice(null);
              setToken(accepted);
            }}
          />
        )}
      </main>
    </div>
  );
}

function SignIn({
  notice,
  onSignedIn,
}: {
  notice: string | null;
  onSignedIn: (token: string) => void;
}) {
  const id = useId();
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(notice);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const token = value.trim();
    if (!token) return setProblem(s.emptyToken);
    setBusy(true);
    setProblem(null);
    // The token is kept only once the server accepts it.
    adminApi(token)
      .workstations()
      .then(
        () => onSignedIn(token),
        (error: unknown) => {
          setBusy(false);
          setProblem(reasonOf(error));
        },
      );
  };

  return (
    <form
      className="admin-panel admin-sign-in"
      aria-labelledby={`${id}-title`}
      onSubmit={submit}
      data-testid="sign-in"
    >
      <h2 id={`${id}-title`} className="admin-panel__title">
        {s.signInTitle}
      </h2>
      <p className="admin-panel__hint" id={`${id}-hint`}>
        {s.signInHint}
      </p>
      <div className="admin-form__fields">
        <label>
          {s.token}
          <input
            type="password"
            name="admin-token"
            autoComplete="current-password"
            spellCheck={false}
            value={value}
            onChange={(event) => setValue(event.target.value)}
            aria-describedby={`${id}-hint`}
            aria-invalid={problem ? true : undefined}
            data-testid="admin-token"
            autoFocus
          />
        </label>
        <button type="submit" className="button" disabled={busy} data-testid="sign-in-submit">
          {busy ? s.signingIn : s.signIn}
        </button>
      </div>
      {problem && (
        <p className="admin-panel__problem" role="alert" data-testid="sign-in-problem">
          {problem}
        </p>
      )}
    </form>
  );
}

function SignedIn({
  api,
  token,
  onRefused,
}: {
  api: AdminApi;
  token: string;
  onRefused: () => void;
}) {
  const [workstations, setWorkstations] = useState<WorkstationSummary[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const failed = useCallback(
    (error: unknown) => {
      if (error instanceof AdminError && error.unauthenticated) onRefused();
      else setProblem(reasonOf(error));
    },
    [onRefused],
  );

  const reload = useCallback(() => {
    setProblem(null);
    api.workstations().then(setWorkstations, failed);
  }, [api, failed]);
  useEffect(reload, [reload]);

  return (
    <>
      <Workstations
        api={api}
        workstations={workstations}
        problem={problem}
        onReload={reload}
        onFailed={failed}
      />
      <MakeCode api={api} workstations={workstations ?? []} onFailed={failed} />
      <HospitalLinks api={api} onFailed={failed} />
      <FhirClients api={api} onFailed={failed} />
      <Releases token={token} onFailed={failed} />
      <AccessAudit token={token} onFailed={failed} />
    </>
  );
}

function Workstations({
  api,
  workstations,
  problem,
  onReload,
  onFailed,
}: {
  api: AdminApi;
  workstations: WorkstationSummary[] | null;
  problem: string | null;
  onReload: () => void;
  onFailed: (error: unknown) => void;
}) {
  const id = useId();
  const [confirming, setConfirming] = useState<WorkstationSummary | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const c = s.columns;

  return (
    <section className="admin-panel" aria-labelledby={`${id}-title`} data-testid="workstations">
      <div className="admin-panel__heading">
        <h2 id={`${id}-title`} className="admin-panel__title">
          {s.workstationsTitle}
        </h2>
        <button type="button" className="button" onClick={onReload} data-testid="refresh">
          {s.refresh}
        </button>
      </div>
      {problem && (
        <p className="admin-panel__problem" role="alert" data-testid="workstations-problem">
          {problem}
        </p>
      )}
      <p className="admin-panel__status" role="status" data-testid="admin-status">
        {done}
      </p>
      {workstations === null ? (
        !problem && <p className="admin-panel__hint">{s.loading}</p>
      ) : workstations.length === 0 ? (
        <p className="admin-panel__hint" data-testid="no-workstations">
          {s.noWorkstations}
        </p>
      ) : (
        <table className="admin-table" data-testid="workstation-table">
          <caption className="visually-hidden">{s.workstationsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{c.name}</th>
              <th scope="col">{c.unit}</th>
              <th scope="col">{c.enrolled}</th>
              <th scope="col">{c.lastSeen}</th>
              <th scope="col">{c.appVersion}</th>
              <th scope="col">{c.protocol}</th>
              <th scope="col">{c.state}</th>
              <th scope="col">
                <span className="visually-hidden">{c.actions}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {workstations.map((w) => (
              <tr
                key={w.id}
                data-testid="workstation-row"
                data-workstation-id={w.id}
                data-revoked={w.revokedAt ? 'true' : 'false'}
              >
                <th scope="row">
                  <span className="admin-table__name">{w.name}</span>
                  <span className="admin-table__id">{w.id}</span>
                </th>
                <td>{w.unit ?? <span className="admin-table__none">{s.noUnit}</span>}</td>
                <td>{when(w.enrolledAt)}</td>
                <td>{w.lastSeenAt ? when(w.lastSeenAt) : s.never}</td>
                <td>{w.appVersion}</td>
                <td>{w.protocol}</td>
                <td data-testid="workstation-state">
                  {w.revokedAt ? <strong>{s.revokedAt(when(w.revokedAt))}</strong> : s.active}
                </td>
                <td>
                  {!w.revokedAt && (
                    <button
                      type="button"
                      className="button button--danger"
                      aria-label={s.revokeLabel(w.name)}
                      onClick={() => {
                        setDone(null);
                        setConfirming(w);
                      }}
                      data-testid="revoke"
                    >
                      {s.revoke}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {confirming && (
        <DangerConfirm
          title={s.revokeTitle(`${confirming.name} (${confirming.id})`)}
          hint={s.revokeHint}
          act={() => api.revoke(confirming.id)}
          actLabel={s.confirmRevoke}
          testId="revoke-confirm"
          actTestId="confirm-revoke"
          onCancel={() => setConfirming(null)}
          onFailed={onFailed}
          onDone={(revoked) => {
            setConfirming(null);
            setDone(s.revoked(revoked.name));
            onReload();
          }}
        />
      )}
    </section>
  );
}

function MakeCode({
  api,
  workstations,
  onFailed,
}: {
  api: AdminApi;
  workstations: WorkstationSummary[];
  onFailed: (error: unknown) => void;
}) {
  const id = useId();
  const [unit, setUnit] = useState('');
  const [hours, setHours] = useState('24');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [made, setMade] = useState<EnrolmentCodeResponse | null>(null);
  const enrolled = workstations.filter((w) => !w.revokedAt);
  const nameOf = (workstationId: string | null) =>
    workstationId
      ? `${workstations.find((w) => w.id === workstationId)?.name ?? workstationId} (${workstationId})`
      : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const validHours = Number(hours);
    if (!Number.isFinite(validHours) || validHours <= 0 || validHours > 720) {
      return setProblem(s.validHoursInvalid);
    }
    setBusy(true);
    setProblem(null);
    setMade(null);
    api
      .makeCode({
        ...(unit.trim() ? { unit: unit.trim() } : {}),
        validHours,
        ...(again ? { workstationId: again } : {}),
      })
      .then(
        (code) => {
          setBusy(false);
          setMade(code);
        },
        (error: unknown) => {
          setBusy(false);
          if (error instanceof AdminError && error.unauthenticated) onFailed(error);
          else setProblem(reasonOf(error));
        },
      );
  };

  return (
    <section className="admin-panel" aria-labelledby={`${id}-title`} data-testid="make-code">
      <h2 id={`${id}-title`} className="admin-panel__title">
        {s.codeTitle}
      </h2>
      <p className="admin-panel__hint">{s.codeHint}</p>
      <form className="admin-form__fields" onSubmit={submit}>
        <label>
          {s.unit}
          <input
            type="text"
            name="unit"
            maxLength={120}
            placeholder={s.unitPlaceholder}
            value={unit}
            onChange={(event) => setUnit(event.target.value)}
            data-testid="code-unit"
          />
        </label>
        <label>
          {s.validHours}
          <input
            type="number"
            name="valid-hours"
            min={1}
            max={720}
            step={1}
            required
            value={hours}
            onChange={(event) => setHours(event.target.value)}
            className="admin-form__hours"
            data-testid="code-hours"
          />
        </label>
        <label>
          {s.reenrol}
          <select
            name="workstation"
            value={again}
            onChange={(event) => setAgain(event.target.value)}
            data-testid="code-workstation"
          >
            <option value="">{s.newWorkstation}</option>
            {enrolled.map((w) => (
              <option key={w.id} value={w.id}>
                {s.reenrolOption(w.name, w.id)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button" disabled={busy} data-testid="make-code-submit">
          {busy ? s.makingCode : s.makeCode}
        </button>
      </form>
      {problem && (
        <p className="admin-panel__problem" role="alert" data-testid="code-problem">
          {problem}
        </p>
      )}
      {made && (
        <div
          className="admin-code"
          role="region"
          aria-labelledby={`${id}-code-title`}
          data-testid="code-made"
        >
          <h3 id={`${id}-code-title`} className="admin-code__title">
            {s.codeMadeTitle}
          </h3>
          <p className="admin-code__code" data-testid="enrolment-code">
            {made.code}
          </p>
          <p className="admin-code__facts">
            {s.codeFor(made.unit, nameOf(made.workstationId))}{' '}
            <span data-testid="code-expiry">{s.codeExpires(when(made.expiresAt))}</span>
          </p>
          <p className="admin-panel__hint">{s.codeOnce}</p>
          <button type="button" className="button" onClick={() => setMade(null)}>
            {s.hideCode}
          </button>
        </div>
      )}
    </section>
  );
}
