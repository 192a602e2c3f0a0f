// A patient's record over time: every version of their details with who recorded it and when,
// and every admission, transfer and discharge. Read when opened; Escape or Close closes it.
import { useEffect, useId, useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { PatientHistory } from '../../../../shared/api/contract-patients';
import { strings } from '../../strings';
import { reasonOf } from '../../api/reason';
import './patients.css';
import { dateAndTime } from '../../clinical/clinical-time';

export function PatientHistoryPanel({
  client,
  patientId,
  name,
  onClose,
}: {
  client: WorkstationClient;
  patientId: string;
  name: string;
  onClose: () => void;
}) {
  const id = useId();
  const s = strings.patients;
  const [history, setHistory] = useState<PatientHistory | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    client.request('patientHistory', { patientId }).then(
      (found) => live && setHistory(found),
      (error: unknown) => live && setProblem(s.historyFailed(reasonOf(error))),
    );
    return () => {
      live = false;
    };
  }, [client, patientId, s]);
  const when = (ms: number) => dateAndTime(ms);

  return (
    <section
      className="patients-history"
      aria-labelledby={`${id}-title`}
      data-testid="patient-history"
      onKeyDown={(event) => event.key === 'Escape' && onClose()}
    >
      <div className="patients-history__header">
        <h3 id={`${id}-title`} className="patients-form__title">
          {s.historyOf(name)}
        </h3>
        <button type="button" className="button" onClick={onClose} autoFocus>
          {s.closeHistory}
        </button>
      </div>
      {problem && (
        <p className="patients-form__problem" role="alert">
          {problem}
        </p>
      )}
      {history && (
        <>
          <table className="patients-table" data-testid="patient-versions">
            <caption>{s.versionsCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{s.columns.patient}</th>
                <th scope="col">{s.columns.mrn}</th>
                <th scope="col">{s.columns.birthDate}</th>
                <th scope="col">{s.columns.category}</th>
                <th scope="col">{s.recordedAt}</th>
                <th scope="col">{s.recordedBy}</th>
              </tr>
            </thead>
            <tbody>
              {history.versions.map((v) => (
                <tr key={v.versionId}>
                  <th scope="row">{s.name(v.familyName, v.givenName)}</th>
                  <td>{v.mrn}</td>
                  <td>{v.birthDate}</td>
                  <td>{s.categories[v.category]}</td>
                  <td>{when(v.recordedAt)}</td>
                  <td>{v.recordedBy}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="patients-table" data-testid="patient-stays">
            <caption>{s.staysCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{s.when}</th>
                <th scope="col">{s.event}</th>
                <th scope="col">{s.recordedBy}</th>
              </tr>
            </thead>
            <tbody>
              {history.events.map((e, i) => (
                <tr key={i}>
                  <td>{when(e.at)}</td>
                  <td>{s.events[e.event](e.bedLabel)}</td>
                  <td>{e.actor}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
