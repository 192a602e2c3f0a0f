// Placeholder until the devices view lands.
import type { WorkstationClient } from '../../../shared/api/client';
import type { Status } from '../../../shared/model/schemas';
import { strings } from '../strings';

export function Devices(_props: {
  client: WorkstationClient;
  status: Status;
  onChanged: () => void;
}) {
  return (
    <main className="view" data-testid="devices-view">
      <h1 className="view__title">{strings.devices.title}</h1>
    </main>
  );
}
