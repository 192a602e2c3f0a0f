// The host's update status, kept current by its stream. Null when there is no updater, until the
// first event, and while the connection to the host is lost.
import { useEffect, useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { UpdateStatus } from '../../../../shared/api/contract-update';

export function useUpdateStatus(client: WorkstationClient, enabled = true): UpdateStatus | null {
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  useEffect(() => {
    if (!enabled) return;
    return client.subscribe('updateStatus', {}, setStatus, () => setStatus(null));
  }, [client, enabled]);
  return status;
}
