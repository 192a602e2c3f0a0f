// Blood-pressure readings the workstation did not take as the patient's (taken before they came
// into the bed, or later than now): each is kept for the patient or dropped by a person, one at a
// time, and the answer is sent at once (it is logged with who decided).
import { useId, useState } from 'react';
import type { WorkstationClient } from '../../../shared/api/client';
import type { HeldReading } from '../../../shared/api/contract-blood-pressure';
import type { Patient } from '../../../shared/model/schemas';
import { strings } from '../strings';
import { reasonOf } from '../api/reason';
import './held-readings.css';

export interface HeldReadingsProps {
  client: WorkstationClient;
  downloadId: string;
  patient: Patient;
  bedLabel: string;
  inBedSince: number;
  readings: readonly HeldReading[];
  /** Called after each decision, with what to tell the person. */
  onDecided: (message: string) => void;
}

export function HeldReadings({
  client,
  downloadId,
  patient,
  bedLabel,
  inBedSince,
  readings,
  onDecided,
}: HeldReadingsProps) {
  const id = useId();
  const s = strings.bloodPressure;
  const name = strings.patients.name(patient.familyName, patient.givenName);
  const [waiting, setWaiting] = useState(readings);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const decide = (reading: HeldReading, keep: boolean) => {
    setBusy(true);
    setProblem(null);
    const decision = {
      downloadId,
      patientId: patient.id,
      assign: keep ? [reading.key] : [],
      drop: keep ? [] : [reading.key],
    };
    client.request('assignBloodPressureReadings', decision).then(
      (result) => {
        setBusy(false);
        setWaiting((left) => left.filter((r) => r.key !== reading.key));
        onDecided(s.decided(result, name));
      },
      (error: unknown) => {
        setBusy(false);
        setProblem(s.decideFailed(reasonOf(error)));
      },
    );
  };

  if (waiting.length === 0) return null;
  return (
    <section className="held-readings" aria-labelledby={`${id}-title`} data-testid="held-readings">
      <h3 id={`${id}-title`} className="held-readings__title">
        {s.heldTitle(waiting.length, name)}
      </h3>
      <p className="device-panel__hint">{s.heldHint(name, bedLabel, inBedSince)}</p>
      <table className="held-readings__table">
        <caption className="visually-hidden">{s.heldCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{s.takenAt}</th>
            <th scope="col">{s.values}</th>
            <th scope="col">{s.why}</th>
            <th scope="col">{s.decide}</th>
          </tr>
        </thead>
        <tbody>
          {waiting.map((reading) => (
            <tr key={reading.key} data-testid="held-reading">
              <th scope="row">{s.when(reading.at)}</th>
              <td>{s.reading(reading)}</td>
              <td>{s.reasons[reading.reason]}</td>
              <td className="held-readings__decide">
                <button
                  type="button"
                  className="button"
                  disabled={busy}
                  aria-label={s.keepFor(name, reading.at)}
                  onClick={() => decide(reading, true)}
                >
                  {s.keep}
                </button>
                <button
                  type="button"
                  className="button"
                  disabled={busy}
                  aria-label={s.dropOne(reading.at)}
                  onClick={() => decide(reading, false)}
                >
                  {s.drop}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {problem && (
        <p className="device-panel__problem" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
