// The host's sync status, kept current by its stream (an event on every change, at most once a
// second). Null until the first event, and again while the connection to the host is lost.
import { useEffect, useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { SyncStatus } from '../../../../shared/api/contract-sync';

export function useSyncStatus(client: WorkstationClient, enabled = true): SyncStatus | null {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    if (!enabled) return;
    return client.subscribe('syncStatus', {}, setStatus, () => setStatus(null));
  }, [client, enabled]);
  return status;
}
