// A patient in a bed here whose MRN the hospital records with other details: both, side by side
// (the details that differ say so in words), for a person to resolve. "Use the hospital's details"
// records them as a new version of the patient's details (the old one stays); "Keep ours" is
// recorded with who and when, and asked again if the hospital's record changes. Shown on the
// patients view and under the patient in the bedside header; never resolved without a person.
import { useId, useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { HospitalMatch } from '../../../../shared/api/contract-census';
import { strings } from '../../strings';
import { reasonOf } from '../../api/reason';
import './patients.css';

export interface HospitalDifferenceProps {
  client: WorkstationClient;
  match: HospitalMatch;
  /** Told what was done, in a sentence. */
  onResolved?: (message: string) => void;
  compact?: boolean;
}

export function HospitalDifference({
  client,
  match,
  onResolved,
  compact,
}: HospitalDifferenceProps) {
  const id = useId();
  const c = strings.census;
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const { hospital, ours } = match;
  if (!hospital) return null;
  const theirs = `${c.name(hospital.familyName, hospital.givenName)}, ${c.born(hospital.birthDate)}`;
  const here = `${c.name(ours.familyName, ours.givenName)}, ${c.born(ours.birthDate)}`;
  const resolve = (choice: 'use-hospital' | 'keep-ours') => {
    setBusy(true);
    setProblem(null);
    client
      .request('resolveHospitalDifference', {
        patientId: match.patientId,
        versionId: ours.versionId,
        hospitalSeq: hospital.seq,
        choice,
      })
      .then(
        () => {
          setBusy(false);
          onResolved?.(
            choice === 'use-hospital' ? c.usedHospital(match.mrn) : c.keptOurs(match.mrn),
          );
        },
        (error: unknown) => {
          setBusy(false);
          setProblem(c.resolveFailed(reasonOf(error)));
        },
      );
  };
  const rows = (['familyName', 'givenName', 'birthDate'] as const).map((detail) => ({
    detail,
    theirs: hospital[detail] ?? '—',
    ours: ours[detail],
    differs: match.differences.includes(detail),
  }));
  return (
    <section
      className={`hospital-difference${compact ? ' hospital-difference--compact' : ''}`}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-says`}
      data-testid="hospital-difference"
      data-bed-id={match.bedId}
    >
      <h3 id={`${id}-title`} className="patients-form__title">
        {c.differenceTitle(match.bedLabel)}
      </h3>
      <p id={`${id}-says`} className="hospital-difference__says">
        {c.differenceSays(match.mrn, theirs, here)}
      </p>
      {!compact && (
        <table className="patients-table patients-question__table">
          <caption>{c.differenceCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{c.detail}</th>
              <th scope="col">{c.hospital}</th>
              <th scope="col">{c.ours}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.detail} data-differs={row.differs || undefined}>
                <th scope="row">{c.detailNames[row.detail]}</th>
                <td>{row.differs ? <strong>{c.differs(row.theirs)}</strong> : row.theirs}</td>
                <td>{row.ours}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="patients-form__hint">{c.differenceHint}</p>
      {problem && (
        <p className="patients-form__problem" role="alert">
          {problem}
        </p>
      )}
      <div className="patients-form__buttons">
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => resolve('use-hospital')}
        >
          {c.useHospital}
        </button>
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => resolve('keep-ours')}
        >
          {c.keepOurs}
        </button>
      </div>
    </section>
  );
}
