// The place on the viewer page for live auscultation: the "Listen" button and the phonocardiogram
// sweep of RemoteAuscultation.tsx, played from the VIEWER_PATHS.audio socket by audio-player.ts
// (a jitter-buffered Opus player; both are their own part of the work). This slot only gives them
// their place in the layout: above the consult notes on a laptop, under the live view on a phone.
// Nothing connects until the clinician presses Listen. With the consult's client and bed, the
// clinician may ask for a recording to be kept while the sound is live.
import type { WorkstationClient } from '../../../shared/api/client';
import { RemoteAuscultation } from './RemoteAuscultation';

export function AuscultationSlot({
  client,
  bedId,
}: {
  client?: Pick<WorkstationClient, 'request'>;
  bedId?: string;
}) {
  return (
    <div className="telehealth-panel telehealth-auscultation" data-testid="auscultation-slot">
      <RemoteAuscultation {...(client && bedId ? { keep: { client, bedId } } : {})} />
    </div>
  );
}
