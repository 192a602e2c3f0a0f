// Placeholder until the trends view lands.
import type { WorkstationClient } from '../../../shared/api/client';
import type { Bed } from '../../../shared/model/schemas';
import { BedViews } from '../components/NavBar';
import { strings } from '../strings';

export function Trends({ bed }: { client: WorkstationClient; bed: Bed }) {
  return (
    <main className="view" data-testid="trends" data-bed-id={bed.id}>
      <header className="view__header">
        <h1 className="view__title">{bed.label}</h1>
        <BedViews bedId={bed.id} current="trends" />
      </header>
      <p>{strings.trends.title}</p>
    </main>
  );
}
