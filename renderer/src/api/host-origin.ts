// Who the screen talks to: a workstation, which acts on its beds, or the hospital central station
// (the central server), which shows every bed and acts on none. Controls that act on a bed
// (acknowledge, audio, limits, devices, admissions, recordings) are shown only at a workstation.
import { createContext, useContext } from 'react';
import type { Status } from '../../../shared/model/schemas';

export type HostOrigin = NonNullable<Status['origin']>;

export const HostOriginContext = createContext<HostOrigin>('workstation');

/** Whether this screen may act on its beds (false on the hospital central station). */
export function useActsOnBeds(): boolean {
  return useContext(HostOriginContext) !== 'central';
}
