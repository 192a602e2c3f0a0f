// The update requests and stream: the status line's update part, and "Install now". The work is
// the update service's (../update/update-service.ts); this only says who asked. "Install now" is
// a signed-in user's choice: the router lets through only a role with 'system' (the access
// table), and here a screen nobody is signed in to (a script's token, a workstation with no
// accounts yet) is refused too; whoever chose it, and the beds they were shown, go in the log.
import { ApiError } from '../../../shared/api/errors';
import type { UpdateStatus } from '../../../shared/api/contract-update';
import { installRoleWords } from '../../../shared/update/install-roles';
import type { ApiHandlers, Caller } from './router';

/** What the api needs of the updater; null status while there is none (not enrolled). */
export interface Updates {
  status(): UpdateStatus | null;
  subscribe(listener: (status: UpdateStatus | null) => void): () => void;
  /** Installs if the policy allows it for this person and these beds; the status either way. */
  installNow(request: {
    user: string;
    sawBedIds: readonly string[];
  }): Promise<{ installing: boolean; status: UpdateStatus | null }>;
}

type UpdateRequests = Pick<ApiHandlers['requests'], 'getUpdateStatus' | 'installUpdateNow'>;
type UpdateStreams = Pick<ApiHandlers['streams'], 'updateStatus'>;

/** No updater in this shell: the status is null and "Install now" is refused with a reason. */
export const NO_UPDATES: Updates = {
  status: () => null,
  subscribe: (listener) => {
    listener(null);
    return () => undefined;
  },
  installNow: async () => ({ installing: false, status: null }),
};

/** The signed-in user behind this call, or a refusal in words. */
function signedInUser(caller: Caller): string {
  if (caller.screen?.userId()) return caller.actor;
  throw new ApiError(
    'forbidden',
    `"Install now" must be chosen by a signed-in ${installRoleWords()} at this workstation, after ` +
      'seeing the monitored beds. Sign in with such an account (a workstation without accounts ' +
      'creates its administrator first); until then the update installs when no bed is monitored.',
  );
}

export function updateHandlers(
  updates: Updates,
  log?: (message: string) => void,
): { requests: UpdateRequests; streams: UpdateStreams } {
  return {
    requests: {
      getUpdateStatus: () => updates.status(),
      installUpdateNow: async ({ sawBedIds }, caller) => {
        let user: string;
        try {
          user = signedInUser(caller);
        } catch (error) {
          log?.(`update: "Install now" refused to ${caller.actor}: nobody is signed in there`);
          throw error;
        }
        const labels = new Map(updates.status()?.monitoredBeds.map((b) => [b.bedId, b.label]));
        const seen = sawBedIds.map((id) => labels.get(id) ?? id);
        const answer = await updates.installNow({ user, sawBedIds });
        log?.(
          `update: "Install now" chosen by ${user} having seen ${sawBedIds.length} monitored ` +
            `bed(s)${seen.length > 0 ? ` (${seen.join(', ')})` : ''}: ` +
            (answer.installing
              ? 'installing'
              : `not installed (${answer.status?.line ?? 'no update'})`),
        );
        const status = answer.status ?? updates.status();
        if (!status) throw new ApiError('not_found', 'This workstation has no update to install.');
        return { installing: answer.installing, status };
      },
    },
    streams: {
      updateStatus: (_input, emit) => updates.subscribe(emit),
    },
  };
}
