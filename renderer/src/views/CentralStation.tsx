// Placeholder until the central station lands.
import type { WorkstationClient } from '../../../shared/api/client';
import type { Bed } from '../../../shared/model/schemas';
import { routeHref } from '../navigation';
import { strings } from '../strings';

export function CentralStation({ beds }: { client: WorkstationClient; beds: readonly Bed[] }) {
  return (
    <main className="view" data-testid="central-station">
      <h1 className="visually-hidden">{strings.central.title}</h1>
      {beds.map((bed) => (
        <div key={bed.id} data-bed-id={bed.id}>
          <a
            className="button"
            href={routeHref({ view: 'bed', bedId: bed.id })}
            data-testid="open-bed"
          >
            {bed.label}
          </a>
        </div>
      ))}
    </main>
  );
}
