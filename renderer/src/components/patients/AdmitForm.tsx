// Admitting a patient to an empty bed: names, MRN, date of birth and category, every input
// labelled; the api's refusal (a bed taken meanwhile, an MRN in another bed, a date in the
// future) is shown next to the form and nothing typed is lost. An MRN known with other details
// asks whether it is the same person, showing both; only a "same person" for the record shown
// admits (a changed record is shown again). Escape cancels. A patient can be picked from the
// hospital's list (HospitalListPicker): the form is filled and can still be edited by hand.
import { useId, useRef, useState, type FormEvent } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import {
  SameMrnQuestion,
  type SamePersonConfirmation,
} from '../../../../shared/api/contract-patients';
import { ApiError } from '../../../../shared/api/errors';
import { PatientCategory } from '../../../../shared/model/alarms';
import type { Bed, Patient } from '../../../../shared/model/schemas';
import { strings } from '../../strings';
import './patients.css';
import { reasonOf } from '../../api/reason';
import { SamePersonQuestion } from './SamePersonQuestion';
import { HospitalListPicker } from './HospitalListPicker';
import type { CensusEntry } from '../../../../shared/sync/census';

/** The question in a refusal, when the refusal is one (an MRN known with other details). */
function questionIn(error: unknown): SameMrnQuestion | null {
  if (!(error instanceof ApiError) || error.code !== 'conflict') return null;
  const parsed = SameMrnQuestion.safeParse(error.details);
  return parsed.success ? parsed.data : null;
}

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
  const [question, setQuestion] = useState<SameMrnQuestion | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const categoryField = useRef<HTMLSelectElement>(null);
  // A question is about what was entered: editing a detail withdraws it.
  const edit = (set: (value: string) => void) => (value: string) => {
    setQuestion(null);
    set(value);
  };

  const admit = (samePersonAs?: SamePersonConfirmation) => {
    setBusy(true);
    setProblem(null);
    const details = { familyName, givenName, mrn, birthDate, category };
    client
      .request('admitPatient', { bedId: bed.id, ...details, ...(samePersonAs && { samePersonAs }) })
      .then(
        (patient) => {
          setBusy(false);
          setQuestion(null);
          onAdmitted(patient);
        },
        (error: unknown) => {
          setBusy(false);
          const asked = questionIn(error);
          setQuestion(asked);
          if (!asked) setProblem(s.admitFailed(reasonOf(error)));
        },
      );
  };
  // The hospital's details fill the form; the category is the nurse's to choose, so it has focus.
  const pickFromList = (entry: CensusEntry) => {
    setQuestion(null);
    setProblem(null);
    setMrn(entry.mrn);
    setFamilyName(entry.familyName ?? '');
    setGivenName(entry.givenName ?? '');
    setBirthDate(entry.birthDate ?? '');
    setPicked(
      strings.census.picked(strings.census.name(entry.familyName, entry.givenName), entry.mrn),
    );
    categoryField.current?.focus();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    admit();
  };
  const notSamePerson = (asked: SameMrnQuestion) => {
    const { stored } = asked;
    setQuestion(null);
    setProblem(
      s.belongsToSomeoneElse(
        stored.mrn,
        s.name(stored.familyName, stored.givenName),
        stored.birthDate,
      ),
    );
  };

  return (
    <form
      className="patients-form"
      aria-labelledby={`${id}-title`}
      data-testid="admit-form"
      onSubmit={submit}
      onKeyDown={(event) => event.key === 'Escape' && onCancel()}
    >
      <h2 id={`${id}-title`} className="patients-form__title">
        {s.admitTo(bed.label)}
      </h2>
      <HospitalListPicker client={client} onPick={pickFromList} />
      <p
        className={picked ? 'patients-form__hint' : 'visually-hidden'}
        role="status"
        data-testid="hospital-picked"
      >
        {picked}
      </p>
      <div className="patients-form__fields">
        <label>
          {s.familyName}
          <input
            value={familyName}
            onChange={(e) => edit(setFamilyName)(e.target.value)}
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
            onChange={(e) => edit(setGivenName)(e.target.value)}
            required
            maxLength={100}
            autoComplete="off"
          />
        </label>
        <label>
          {s.mrn}
          <input
            value={mrn}
            onChange={(e) => edit(setMrn)(e.target.value)}
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
            onChange={(e) => edit(setBirthDate)(e.target.value)}
            required
            max={todayIso()}
          />
        </label>
        <label>
          {s.category}
          <select
            ref={categoryField}
            value={category}
            onChange={(e) => edit((v) => setCategory(v as PatientCategory))(e.target.value)}
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
      {question && (
        <SamePersonQuestion
          question={question}
          busy={busy}
          onSamePerson={() =>
            admit({ patientId: question.patientId, versionId: question.stored.versionId })
          }
          onNotSamePerson={() => notSamePerson(question)}
        />
      )}
      <div className="patients-form__buttons">
        <button type="submit" className="button" disabled={busy || question !== null}>
          {s.confirmAdmit}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {s.cancel}
        </button>
      </div>
    </form>
  );
}
