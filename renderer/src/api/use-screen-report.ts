// Tells the workstation this screen is open, for as long as it is, and whether it can sound alarms
// now: one `screen` subscription, opened again whenever that changes. A closed tab, a lost
// connection or a reload ends the subscription by itself, so the host never counts a screen that
// is gone. The host raises a technical alarm on alarming beds when no open screen can sound.
import { useEffect, useState } from 'react';
import type { WorkstationClient } from '../../../shared/api/client';
import type { StreamEvent } from '../../../shared/api/contract';

export type ScreenCounts = StreamEvent<'screen'>;

export function useScreenReport(client: WorkstationClient, canSound: boolean): ScreenCounts | null {
  const [counts, setCounts] = useState<ScreenCounts | null>(null);
  useEffect(
    () =>
      client.subscribe('screen', { canSound }, setCounts, () => {
        // The bridge reconnects and subscribes again; until then the counts are unknown.
        setCounts(null);
      }),
    [client, canSound],
  );
  return counts;
}
