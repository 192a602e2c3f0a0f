// The bed's remote consults (current and ended this stay), kept current by the host's
// remoteConsults stream: an event now and on every change. Null until the first event; a stream
// refusal is kept as its sentence so the bedside can say why consults cannot be shown.
import { useEffect, useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { RemoteConsult } from '../../../../shared/api/contract-telehealth';

export interface RemoteConsultsAtBed {
  consults: RemoteConsult[] | null;
  problem: string | null;
}

export function useRemoteConsults(
  client: WorkstationClient,
  bedId: string,
  enabled = true,
): RemoteConsultsAtBed {
  const [state, setState] = useState<RemoteConsultsAtBed>({ consults: null, problem: null });
  useEffect(() => {
    setState({ consults: null, problem: null });
    if (!enabled) return;
    return client.subscribe(
      'remoteConsults',
      { bedId },
      (event) => setState({ consults: event.consults, problem: null }),
      (error) => setState((was) => ({ consults: was.consults, problem: error.message })),
    );
  }, [client, bedId, enabled]);
  return state;
}
