// Patients and beds: every bed with the patient in it (or empty), admitting to an empty bed,
// transferring to an empty bed and discharging (each confirmed), and a search over every patient
// the workstation has known. After each change the app reads the status again (onChanged). A
// patient in a bed whose MRN the hospital's list has with other details is shown above the beds,
// for a person to resolve (HospitalDifference); each bed says quietly how its patient stands.
import { useState } from 'react';
import type { WorkstationClient } from '../../../shared/api/client';
import type { Bed, Patient, Status } from '../../../shared/model/schemas';
import { ageOn } from '../clinical/patient-age';
import { AdmitForm } from '../components/patients/AdmitForm';
import { DischargeConfirm, TransferForm } from '../components/patients/BedChange';
import { PatientSearch } from '../components/patients/PatientSearch';
import { HospitalDifference } from '../components/patients/HospitalDifference';
import { useHospitalList } from '../components/patients/use-hospital-list';
import type { HospitalMatch } from '../../../shared/api/contract-census';
import { dateAndTime } from '../clinical/clinical-time';
import { strings } from '../strings';
import '../components/patients/patients.css';

type Action = { kind: 'admit' | 'transfer' | 'discharge'; bedId: string } | null;
type OccupiedBed = Bed & { patient: Patient };

const isOccupied = (bed: Bed): bed is OccupiedBed => bed.patient !== null;

export function Patients({
  client,
  status,
  onChanged,
}: {
  client: WorkstationClient;
  status: Status;
  onChanged: () => void;
}) {
  const s = strings.patients;
  const [action, setAction] = useState<Action>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);
  const { beds } = status;
  const chosen = action && beds.find((b) => b.id === action.bedId);
  const hospitalList = useHospitalList(client);
  // A workstation that never had the hospital's list says nothing about it beside its patients.
  const matchOf = (bedId: string) =>
    hospitalList?.available ? hospitalList.matches.find((m) => m.bedId === bedId) : undefined;
  const differing = hospitalList?.matches.filter((m) => m.state === 'differs') ?? [];

  const changed = (message: string) => {
    setAction(null);
    setNotice(message);
    setRevision((n) => n + 1);
    onChanged();
  };
  const begin = (kind: NonNullable<Action>['kind'], bedId: string) => {
    setNotice(null);
    setAction({ kind, bedId });
  };

  return (
    <main className="view patients" data-testid="patients">
      <header className="view__header">
        <h1 className="view__title">{s.title}</h1>
      </header>
      <p
        className="patients__notice"
        role="status"
        data-testid="patients-notice"
        hidden={notice === null}
      >
        {notice}
      </p>
      {differing.length > 0 && (
        <section
          className="patients__differences"
          aria-label={strings.census.differencesTitle}
          data-testid="hospital-differences"
        >
          {differing.map((match) => (
            <HospitalDifference
              key={`${match.patientId}/${match.hospital?.seq}`}
              client={client}
              match={match}
              onResolved={(message) => changed(message)}
            />
          ))}
        </section>
      )}
      {beds.length === 0 ? (
        <p>{s.noBeds}</p>
      ) : (
        <table className="patients-table" data-testid="patient-beds">
          <caption>{s.bedsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{s.columns.bed}</th>
              <th scope="col">{s.columns.patient}</th>
              <th scope="col">{s.columns.mrn}</th>
              <th scope="col">{s.columns.birthDate}</th>
              <th scope="col">{s.columns.category}</th>
              <th scope="col">{s.columns.actions}</th>
            </tr>
          </thead>
          <tbody>
            {beds.map((bed) => (
              <BedRow
                key={bed.id}
                bed={bed}
                current={action?.bedId === bed.id}
                hospital={matchOf(bed.id)}
                onAction={(kind) => begin(kind, bed.id)}
              />
            ))}
          </tbody>
        </table>
      )}

      {chosen && action?.kind === 'admit' && !chosen.patient && (
        <AdmitForm
          key={chosen.id}
          client={client}
          bed={chosen}
          onAdmitted={(patient) =>
            changed(s.admitted(s.name(patient.familyName, patient.givenName), chosen.label))
          }
          onCancel={() => setAction(null)}
        />
      )}
      {chosen && action?.kind === 'transfer' && isOccupied(chosen) && (
        <TransferForm
          key={chosen.id}
          client={client}
          bed={chosen}
          emptyBeds={beds.filter((b) => b.patient === null)}
          onDone={changed}
          onCancel={() => setAction(null)}
        />
      )}
      {chosen && action?.kind === 'discharge' && isOccupied(chosen) && (
        <DischargeConfirm
          key={chosen.id}
          client={client}
          bed={chosen}
          onDone={changed}
          onCancel={() => setAction(null)}
        />
      )}

      <PatientSearch client={client} revision={revision} />
    </main>
  );
}

/** How the patient stands against the hospital's list, in a quiet line under their name. */
function hospitalNote(match: HospitalMatch | undefined): string | null {
  const c = strings.census;
  if (!match) return null;
  switch (match.state) {
    case 'same':
      return c.sameAsHospital(match.hospital?.visitNumber ?? null);
    case 'not-on-list':
      return c.notOnList;
    case 'differs':
      return c.differsFromHospital;
    case 'kept-ours':
      return match.keptOurs
        ? c.keptOursNote(match.keptOurs.actor, dateAndTime(match.keptOurs.atMs))
        : c.differsFromHospital;
  }
}

function BedRow({
  bed,
  current,
  hospital,
  onAction,
}: {
  bed: Bed;
  current: boolean;
  hospital: HospitalMatch | undefined;
  onAction: (kind: NonNullable<Action>['kind']) => void;
}) {
  const s = strings.patients;
  const patient = bed.patient;
  const age = patient ? ageOn(patient.birthDate, new Date()) : null;
  return (
    <tr data-testid="patient-bed" data-bed-id={bed.id} aria-current={current || undefined}>
      <th scope="row">{bed.label}</th>
      {patient ? (
        <>
          <td>
            {s.name(patient.familyName, patient.givenName)}
            {hospitalNote(hospital) && (
              <span
                className="hospital-note"
                data-testid="hospital-note"
                data-state={hospital?.state}
              >
                {hospitalNote(hospital)}
              </span>
            )}
          </td>
          <td>{patient.mrn}</td>
          <td>
            {patient.birthDate}
            {age && ` (${s.age(age.value, age.unit)})`}
          </td>
          <td>{s.categories[patient.category]}</td>
        </>
      ) : (
        <td colSpan={4} className="patients-table__empty">
          {s.empty}
        </td>
      )}
      <td>
        <div className="patients-table__actions">
          {patient ? (
            <>
              <button
                type="button"
                className="button"
                aria-label={s.transferFrom(bed.label)}
                onClick={() => onAction('transfer')}
              >
                {s.transfer}
              </button>
              <button
                type="button"
                className="button"
                aria-label={s.dischargeFrom(bed.label)}
                onClick={() => onAction('discharge')}
              >
                {s.discharge}
              </button>
            </>
          ) : (
            <button
              type="button"
              className="button"
              aria-label={s.admitTo(bed.label)}
              onClick={() => onAction('admit')}
            >
              {s.admit}
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}
