// An MRN the workstation knows with other details: the record as it is and what was entered, side
// by side (the details that differ say so in words, not only by weight), for a person to say
// whether it is the same person. Nothing is admitted until they do; the safe answer has the focus.
import { useEffect, useId, useRef } from 'react';
import type { SameMrnQuestion } from '../../../../shared/api/contract-patients';
import { strings } from '../../strings';
import './patients.css';
import { dateAndTime } from '../../clinical/clinical-time';

export interface SamePersonQuestionProps {
  question: SameMrnQuestion;
  busy: boolean;
  onSamePerson: () => void;
  onNotSamePerson: () => void;
}

export function SamePersonQuestion({
  question,
  busy,
  onSamePerson,
  onNotSamePerson,
}: SamePersonQuestionProps) {
  const id = useId();
  const s = strings.patients;
  const safeChoice = useRef<HTMLButtonElement>(null);
  useEffect(() => safeChoice.current?.focus(), [question]);
  const { stored, entered } = question;
  const rows: [string, string, string][] = [
    [s.familyName, stored.familyName, entered.familyName],
    [s.givenName, stored.givenName, entered.givenName],
    [s.birthDate, stored.birthDate, entered.birthDate],
    [s.category, s.categories[stored.category], s.categories[entered.category]],
  ];
  return (
    <section
      className="patients-question"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-hint`}
      data-testid="same-person-question"
    >
      <h3 id={`${id}-title`} className="patients-form__title">
        {s.sameMrnTitle(stored.mrn)}
      </h3>
      {question.stale && (
        <p className="patients-form__problem" role="alert">
          {s.sameMrnStale}
        </p>
      )}
      <p id={`${id}-hint`} className="patients-form__hint">
        {s.sameMrnHint}
      </p>
      <table className="patients-table patients-question__table">
        <caption>{s.sameMrnCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{s.sameMrnField}</th>
            <th scope="col">{s.onWorkstation}</th>
            <th scope="col">{s.enteredNow}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, before, now]) => (
            <tr key={label} data-differs={before !== now || undefined}>
              <th scope="row">{label}</th>
              <td>{before}</td>
              <td>{before === now ? now : <strong>{s.differs(now)}</strong>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="patients-form__hint">
        {s.recorded(stored.recordedBy, dateAndTime(stored.recordedAt))}
      </p>
      <div className="patients-form__buttons">
        <button type="button" className="button" disabled={busy} onClick={onSamePerson}>
          {s.samePerson}
        </button>
        <button type="button" className="button" ref={safeChoice} onClick={onNotSamePerson}>
          {s.notSamePerson}
        </button>
      </div>
    </section>
  );
}
