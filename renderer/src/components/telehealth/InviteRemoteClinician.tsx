// The bedside header's "Invite a remote clinician" button and the dialog it opens. Only for the
// patient in the bed: with nobody admitted (or before the bed's data has come) the button is
// disabled and says why, on hover and to a screen reader.
import { useId, useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { RemoteConsult } from '../../../../shared/api/contract-telehealth';
import type { Patient } from '../../../../shared/model/schemas';
import { strings } from '../../strings';
import { telehealthStrings as s } from '../../strings/telehealth';
import { InviteDialog } from './InviteDialog';
import './telehealth.css';

export interface InviteRemoteClinicianProps {
  client: WorkstationClient;
  bedId: string;
  bedLabel: string;
  /** The patient in the bed; null for an empty bed, undefined until the bed's data has come. */
  patient: Patient | null | undefined;
  consults: readonly RemoteConsult[] | null;
}

export function InviteRemoteClinician({
  client,
  bedId,
  bedLabel,
  patient,
  consults,
}: InviteRemoteClinicianProps) {
  const reasonId = useId();
  const [open, setOpen] = useState(false);
  const why = patient === undefined ? s.waitingForBed : patient === null ? s.noPatient : null;
  return (
    <>
      <button
        type="button"
        className="button telehealth-open"
        disabled={why !== null}
        title={why ?? undefined}
        aria-describedby={why ? reasonId : undefined}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
        data-testid="telehealth-open"
      >
        {s.invite}
      </button>
      {why && (
        <span id={reasonId} className="visually-hidden">
          {why}
        </span>
      )}
      {open && patient && (
        <InviteDialog
          client={client}
          bedId={bedId}
          bedLabel={bedLabel}
          patientName={strings.patients.name(patient.familyName, patient.givenName)}
          consults={consults}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}
