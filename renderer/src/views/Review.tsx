// Placeholder until the full-disclosure review lands.
import type { WorkstationClient } from '../../../shared/api/client';
import type { Bed } from '../../../shared/model/schemas';
import { BedViews } from '../components/NavBar';
import { strings } from '../strings';

export function Review({ bed }: { client: WorkstationClient; bed: Bed; atMs?: number }) {
  return (
    <main className="view" data-testid="review" data-bed-id={bed.id}>
      <header className="view__header">
        <h1 className="view__title">{bed.label}</h1>
        <BedViews bedId={bed.id} current="review" />
      </header>
      <p>{strings.review.title}</p>
    </main>
  );
}
