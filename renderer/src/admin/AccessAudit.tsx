// The admin page's access audit, for the privacy officer: the workstations' audit entries by
// patient, user and dates, newest first with older pages on demand, the same selection as a CSV
// or as FHIR AuditEvents, and each workstation's audit chain (AuditChains).
import { useCallback, useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { dateAndTime } from '../clinical/clinical-time';
import { auditApi, type AuditApi, type AuditEntry, type AuditFilter } from './audit-api';
import { auditStrings as a } from './audit-strings';
import { AuditChains } from './AuditChains';
import { usePanelProblem } from './use-panel-problem';

const DAY_MS = 86_400_000;

/** A date input's value (local calendar day). */
const dayOf = (ms: number) => {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};
/** Local midnight starting `day`, or the one after it (`end`). */
const midnight = (day: string, end = false) => {
  const d = new Date(`${day}T00:00:00`);
  if (end) d.setDate(d.getDate() + 1);
  return d.getTime();
};

interface Shown {
  filter: AuditFilter;
  entries: AuditEntry[];
  nextCursor: string | null;
  patient: { known: boolean; stays: number } | null;
}

export function AccessAudit({
  token,
  onFailed,
}: {
  token: string;
  onFailed: (error: unknown) => void;
}) {
  const id = useId();
  const api = useMemo(() => auditApi(token), [token]);
  const [patient, setPatient] = useState('');
  const [user, setUser] = useState('');
  const [fromDay, setFromDay] = useState(() => dayOf(Date.now() - 30 * DAY_MS));
  const [toDay, setToDay] = useState(() => dayOf(Date.now()));
  const [shown, setShown] = useState<Shown | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const { problem, setProblem, failedHere } = usePanelProblem(onFailed);

  const filterNow = (): AuditFilter | null => {
    const fromMs = midnight(fromDay);
    const toMs = midnight(toDay, true);
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs >= toMs) {
      setProblem(a.badDates);
      return null;
    }
    return { patient, user, fromMs, toMs };
  };
  const show = useCallback(
    (filter: AuditFilter) => {
      setProblem(null);
      setBusy(a.loading);
      api.page(filter, null).then(
        (page) => {
          setBusy(null);
          setShown({ filter, ...page });
        },
        (error: unknown) => {
          setBusy(null);
          failedHere(error);
        },
      );
    },
    [api, failedHere, setProblem],
  );
  // The last 30 days of everything, as the panel opens.
  const [opening] = useState(() => ({
    patient: '',
    user: '',
    fromMs: midnight(fromDay),
    toMs: midnight(toDay, true),
  }));
  useEffect(() => show(opening), [show, opening]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const filter = filterNow();
    if (filter) show(filter);
  };
  const more = () => {
    if (!shown?.nextCursor) return;
    api.page(shown.filter, shown.nextCursor).then(
      (page) =>
        setShown({
          ...shown,
          entries: [...shown.entries, ...page.entries],
          nextCursor: page.nextCursor,
        }),
      failedHere,
    );
  };
  const download = (format: 'csv' | 'fhir') => {
    const filter = filterNow();
    if (!filter) return;
    setProblem(null);
    setBusy(a.downloading);
    void saveDownload(api, filter, format).then(
      () => setBusy(null),
      (error: unknown) => {
        setBusy(null);
        failedHere(error);
      },
    );
  };
  const c = a.columns;

  return (
    <section className="admin-panel" aria-labelledby={`${id}-title`} data-testid="access-audit">
      <div className="admin-panel__heading">
        <h2 id={`${id}-title`} className="admin-panel__title">
          {a.title}
        </h2>
      </div>
      <p className="admin-panel__hint">{a.hint}</p>
      <form className="admin-form__fields" onSubmit={submit} data-testid="audit-filters">
        <label>
          {a.patient}
          <input
            value={patient}
            onChange={(event) => setPatient(event.target.value)}
            spellCheck={false}
            maxLength={200}
            data-testid="audit-patient"
          />
        </label>
        <label>
          {a.user}
          <input
            value={user}
            onChange={(event) => setUser(event.target.value)}
            spellCheck={false}
            maxLength={200}
            data-testid="audit-user"
          />
        </label>
        <label>
          {a.from}
          <input
            type="date"
            value={fromDay}
            onChange={(event) => setFromDay(event.target.value)}
            data-testid="audit-from"
          />
        </label>
        <label>
          {a.to}
          <input
            type="date"
            value={toDay}
            onChange={(event) => setToDay(event.target.value)}
            data-testid="audit-to"
          />
        </label>
        <button type="submit" className="button" data-testid="audit-show">
          {a.show}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => download('csv')}
          data-testid="audit-download-csv"
        >
          {a.downloadCsv}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => download('fhir')}
          data-testid="audit-download-fhir"
        >
          {a.downloadFhir}
        </button>
      </form>
      {problem && (
        <p className="admin-panel__problem" role="alert" data-testid="audit-problem">
          {problem}
        </p>
      )}
      <p className="admin-panel__status" role="status" data-testid="audit-status">
        {busy ??
          (shown?.patient
            ? shown.patient.known
              ? a.staysFound(shown.patient.stays)
              : a.unknownPatient(shown.filter.patient.trim())
            : null)}
      </p>
      {shown &&
        (shown.entries.length === 0 ? (
          <p className="admin-panel__hint" data-testid="audit-none">
            {a.none}
          </p>
        ) : (
          <table className="admin-table" data-testid="audit-table">
            <caption className="visually-hidden">{a.caption}</caption>
            <thead>
              <tr>
                <th scope="col">{c.time}</th>
                <th scope="col">{c.workstation}</th>
                <th scope="col">{c.who}</th>
                <th scope="col">{c.what}</th>
                <th scope="col">{c.subject}</th>
                <th scope="col">{c.detail}</th>
              </tr>
            </thead>
            <tbody>
              {shown.entries.map((e) => (
                <tr
                  key={`${e.workstationId}/${e.id}`}
                  data-testid="audit-row"
                  data-action={e.action}
                >
                  <th scope="row">{dateAndTime(e.atMs, { seconds: true })}</th>
                  <td>{e.workstationName}</td>
                  <td>{e.actor}</td>
                  <td title={e.action}>{e.actionWords}</td>
                  <td className="admin-table__id">{e.subject}</td>
                  <td>{e.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {shown?.nextCursor && (
        <button type="button" className="button" onClick={more} data-testid="audit-more">
          {a.more}
        </button>
      )}
      <AuditChains api={api} onFailed={failedHere} />
    </section>
  );
}

async function saveDownload(api: AuditApi, filter: AuditFilter, format: 'csv' | 'fhir') {
  const blob = await api.download(filter, format);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `access-audit-${dayOf(filter.fromMs)}-to-${dayOf(filter.toMs - 1)}${format === 'csv' ? '.csv' : '.fhir.json'}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
