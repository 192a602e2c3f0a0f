// The patient in a bed's header: name, MRN and age, or nothing for an empty bed.
import type { Patient } from '../../../../shared/model/schemas';
import { ageOn } from '../../clinical/patient-age';
import { strings } from '../../strings';
import './patients.css';

export function PatientBadge({ patient }: { patient: Patient | null | undefined }) {
  if (!patient) return null;
  const s = strings.patients;
  const age = ageOn(patient.birthDate, new Date());
  return (
    <p className="patient-badge" data-testid="bed-patient" aria-label={s.headerLabel}>
      <span className="patient-badge__name">{s.name(patient.familyName, patient.givenName)}</span>
      <span>{s.mrnValue(patient.mrn)}</span>
      {age && (
        <span>
          <abbr title={s.ageLong(age.value, age.unit)}>{s.age(age.value, age.unit)}</abbr>
        </span>
      )}
    </p>
  );
}
