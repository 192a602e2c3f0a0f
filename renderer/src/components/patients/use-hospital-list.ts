// The hospital's patient list as the host holds it against the patients in beds, kept current by
// its stream (an event on every change). Null until the first event, while the connection to the
// host is lost, and where no host list exists (the hospital central station: `enabled` false).
import { useEffect, useState } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { HospitalListEvent } from '../../../../shared/api/contract-census';

export function useHospitalList(
  client: WorkstationClient,
  enabled = true,
): HospitalListEvent | null {
  const [list, setList] = useState<HospitalListEvent | null>(null);
  useEffect(() => {
    if (!enabled) return;
    return client.subscribe('hospitalList', {}, setList, () => setList(null));
  }, [client, enabled]);
  return list;
}
