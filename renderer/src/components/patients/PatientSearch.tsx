// Finding a patient by name (today's or a former one) or MRN (any case), discharged ones too,
// with where they are now and their former details; History… shows every version of their
// details and every stay. An empty search lists the most recently seen patients; it runs again
// when `revision` changes (after an admission, a transfer or a discharge on this screen).
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { PatientWhereabouts } from '../../../../shared/api/contract-patients';
import { strings } from '../../strings';
import './patients.css';
import { reasonOf } from '../../api/reason';
import { PatientHistoryPanel } from './PatientHistoryPanel';
import { dateAndTime } from '../../clinical/clinical-time';

function whereNow(found: PatientWhereabouts): string {
  const s = strings.patients;
  if (found.bedLabel) return s.inBed(found.bedLabel);
  if (found.lastEvent === 'discharged' && found.lastEventAt !== null) {
    return s.dischargedAt(dateAndTime(found.lastEventAt));
  }
  return s.neverAdmitted;
}

export function PatientSearch({
  client,
  revision,
}: {
  client: WorkstationClient;
  revision: number;
}) {
  const id = useId();
  const s = strings.patients;
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<PatientWhereabouts[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [historyOf, setHistoryOf] = useState<PatientWhereabouts['patient'] | null>(null);

  const search = useCallback(
    (q: string) => {
      setProblem(null);
      client.request('searchPatients', { query: q }).then(
        (found) => {
          setQuery(q);
          setResults(found);
        },
        (error: unknown) => setProblem(s.searchFailed(reasonOf(error))),
      );
    },
    [client, s],
  );
  // Runs again, with the query last searched, after a change made on this screen (`query` is
  // set by the search itself, so it is read here but not watched).
  useEffect(() => search(query), [search, revision]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    search(text.trim());
  };

  return (
    <section className="patients-search" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="patients-form__title">
        {s.searchTitle}
      </h2>
      <form className="patients-search__form" role="search" onSubmit={submit}>
        <label>
          {s.searchLabel}
          <input
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            maxLength={100}
            autoComplete="off"
          />
        </label>
        <button type="submit" className="button">
          {s.searchButton}
        </button>
      </form>
      {problem && (
        <p className="patients-form__problem" role="alert">
          {problem}
        </p>
      )}
      {results && results.length === 0 && query && <p role="status">{s.noMatch(query)}</p>}
      {results && results.length > 0 && (
        <table className="patients-table" data-testid="patient-search-results">
          <caption>{s.searchCaption(query)}</caption>
          <thead>
            <tr>
              <th scope="col">{s.columns.patient}</th>
              <th scope="col">{s.columns.mrn}</th>
              <th scope="col">{s.columns.birthDate}</th>
              <th scope="col">{s.columns.category}</th>
              <th scope="col">{s.columns.where}</th>
              <th scope="col">{s.columns.actions}</th>
            </tr>
          </thead>
          <tbody>
            {results.map((found) => (
              <tr key={found.patient.id}>
                <th scope="row">
                  {s.name(found.patient.familyName, found.patient.givenName)}
                  {found.formerly.map((d) => (
                    <span
                      key={`${d.familyName}|${d.givenName}|${d.birthDate}`}
                      className="patients-search__formerly"
                    >
                      {s.formerly(s.bornOn(s.name(d.familyName, d.givenName), d.birthDate))}
                    </span>
                  ))}
                </th>
                <td>{found.patient.mrn}</td>
                <td>{found.patient.birthDate}</td>
                <td>{s.categories[found.patient.category]}</td>
                <td>{whereNow(found)}</td>
                <td>
                  <button
                    type="button"
                    className="button"
                    aria-label={s.historyOf(
                      s.name(found.patient.familyName, found.patient.givenName),
                    )}
                    onClick={() => setHistoryOf(found.patient)}
                  >
                    {s.history}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {historyOf && (
        <PatientHistoryPanel
          key={historyOf.id}
          client={client}
          patientId={historyOf.id}
          name={s.name(historyOf.familyName, historyOf.givenName)}
          onClose={() => setHistoryOf(null)}
        />
      )}
    </section>
  );
}
