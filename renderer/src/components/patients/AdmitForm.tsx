// Admitting a patient to an empty bed: names, MRN, date of birth and category, every input
// labelled; the api's refusal (a bed taken meanwhile, an MRN in another bed, a date in the
// future) is shown next to the form and nothing typed is lost. Escape cancels.
import { useId, useState, type FormEvent } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import { PatientCategory } from '../../../../shared/model/alarms';
import type { Bed, Patient } from '../../../../shared/model/schemas';
import { strings } from '../../strings';
import './patients.css';
import { reasonOf } from '../../api/reason';

export interface AdmitFormProps {
  client: WorkstationClient;
  bed: Bed;
  onAdmitted: (patient: Patient) => void;
  onCancel: () => void;
}

function todayIso(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function AdmitForm({ client, bed, onAdmitted, onCancel }: AdmitFormProps) {
  const id = useId();
  const s = strings.patients;
  const [familyName, setFamilyName] = useState('');
  const [givenName, setGivenName] = useState('');
  const [mrn, setMrn] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [category, setCategory] = useState<PatientCategory>('adult');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const admit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    client
      .request('admitPatient', { bedId: bed.id, familyName, givenName, mrn, birthDate, category })
      .then(
        (patient) => {
          setBusy(false);
          onAdmitted(patient);
        },
        (error: unknown) => {
          setBusy(false);
          setProblem(s.admitFailed(reasonOf(error)));
        },
      );
  };

  return (
    <form
      className="patients-form"
      aria-labelledby={`${id}-title`}
      data-testid="admit-form"
      onSubmit={admit}
      onKeyDown={(event) => event.key === 'Escape' && onCancel()}
    >
      <h2 id={`${id}-title`} className="patients-form__title">
        {s.admitTo(bed.label)}
      </h2>
      <div className="patients-form__fields">
        <label>
          {s.familyName}
          <input
            value={familyName}
            onChange={(e) => setFamilyName(e.target.value)}
            required
            maxLength={100}
            autoComplete="off"
            autoFocus
          />
        </label>
        <label>
          {s.givenName}
          <input
            value={givenName}
            onChange={(e) => setGivenName(e.target.value)}
            required
            maxLength={100}
            autoComplete="off"
          />
        </label>
        <label>
          {s.mrn}
          <input
            value={mrn}
            onChange={(e) => setMrn(e.target.value)}
            required
            maxLength={40}
            autoComplete="off"
          />
        </label>
        <label>
          {s.birthDate}
          <input
            type="date"
            value={birthDate}
            onChange={(e) => setBirthDate(e.target.value)}
            required
            max={todayIso()}
          />
        </label>
        <label>
          {s.category}
          <select
            value={category}
            onChange={(e) => setCategory(e.target.value as PatientCategory)}
            aria-describedby={`${id}-category-hint`}
          >
            {PatientCategory.options.map((c) => (
              <option key={c} value={c}>
                {s.categories[c]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p id={`${id}-category-hint`} className="patients-form__hint">
        {s.categoryHint}
      </p>
      {problem && (
        <p className="patients-form__problem" role="alert">
          {problem}
        </p>
      )}
      <div className="patients-form__buttons">
        <button type="submit" className="button" disabled={busy}>
          {s.confirmAdmit}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {s.cancel}
        </button>
      </div>
    </form>
  );
}
