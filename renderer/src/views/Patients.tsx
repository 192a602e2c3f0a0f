// Placeholder until the patients view lands.
import type { WorkstationClient } from '../../../shared/api/client';
import type { Status } from '../../../shared/model/schemas';
import { strings } from '../strings';

export function Patients(_props: {
  client: WorkstationClient;
  status: Status;
  onChanged: () => void;
}) {
  return (
    <main className="view" data-testid="patients">
      <h1 className="view__title">{strings.patients.title}</h1>
    </main>
  );
}
