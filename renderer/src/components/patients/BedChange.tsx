// Transferring a patient to an empty bed, or discharging them, each after a confirmation: the
// target is chosen from the empty beds, the api's refusal is shown next to the buttons, and
// Escape cancels.
import { useId, useState, type FormEvent } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { Bed, Patient } from '../../../../shared/model/schemas';
import { strings } from '../../strings';
import './patients.css';
import { reasonOf } from '../../api/reason';

export interface BedChangeProps {
  client: WorkstationClient;
  /** The bed the patient is in now. */
  bed: Bed & { patient: Patient };
  onDone: (message: string) => void;
  onCancel: () => void;
}

function nameOf(patient: Patient): string {
  return strings.patients.name(patient.familyName, patient.givenName);
}

export function TransferForm({
  client,
  bed,
  emptyBeds,
  onDone,
  onCancel,
}: BedChangeProps & { emptyBeds: readonly Bed[] }) {
  const id = useId();
  const s = strings.patients;
  const [target, setTarget] = useState(emptyBeds[0]?.id ?? '');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const name = nameOf(bed.patient);

  const transfer = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    client.request('transferPatient', { fromBedId: bed.id, toBedId: target }).then(
      () => {
        setBusy(false);
        const label = emptyBeds.find((b) => b.id === target)?.label ?? target;
        onDone(s.transferred(name, label));
      },
      (error: unknown) => {
        setBusy(false);
        setProblem(s.transferFailed(reasonOf(error)));
      },
    );
  };

  return (
    <form
      className="patients-form"
      aria-labelledby={`${id}-title`}
      data-testid="transfer-form"
      onSubmit={transfer}
      onKeyDown={(event) => event.key === 'Escape' && onCancel()}
    >
      <h2 id={`${id}-title`} className="patients-form__title">
        {s.transferTitle(name, bed.label)}
      </h2>
      {emptyBeds.length === 0 ? (
        <p className="patients-form__problem" role="alert">
          {s.noEmptyBed}
        </p>
      ) : (
        <div className="patients-form__fields">
          <label>
            {s.transferTarget}
            <select value={target} onChange={(e) => setTarget(e.target.value)} autoFocus>
              {emptyBeds.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.label}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      <p className="patients-form__hint">{s.transferHint}</p>
      {problem && (
        <p className="patients-form__problem" role="alert">
          {problem}
        </p>
      )}
      <div className="patients-form__buttons">
        <button type="submit" className="button" disabled={busy || emptyBeds.length === 0}>
          {s.confirmTransfer}
        </button>
        <button type="button" className="button" onClick={onCancel} autoFocus={!emptyBeds.length}>
          {s.cancel}
        </button>
      </div>
    </form>
  );
}

export function DischargeConfirm({ client, bed, onDone, onCancel }: BedChangeProps) {
  const id = useId();
  const s = strings.patients;
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const name = nameOf(bed.patient);

  const discharge = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    client.request('dischargePatient', { bedId: bed.id }).then(
      () => {
        setBusy(false);
        onDone(s.discharged(name, bed.label));
      },
      (error: unknown) => {
        setBusy(false);
        setProblem(s.dischargeFailed(reasonOf(error)));
      },
    );
  };

  return (
    <form
      className="patients-form"
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-hint`}
      data-testid="discharge-confirm"
      onSubmit={discharge}
      onKeyDown={(event) => event.key === 'Escape' && onCancel()}
    >
      <h2 id={`${id}-title`} className="patients-form__title">
        {s.dischargeTitle(name, bed.label)}
      </h2>
      <p id={`${id}-hint`} className="patients-form__hint">
        {s.dischargeHint}
      </p>
      {problem && (
        <p className="patients-form__problem" role="alert">
          {problem}
        </p>
      )}
      <div className="patients-form__buttons">
        <button type="submit" className="button button--danger" disabled={busy}>
          {s.confirmDischarge}
        </button>
        <button type="button" className="button" onClick={onCancel} autoFocus>
          {s.cancel}
        </button>
      </div>
    </form>
  );
}
