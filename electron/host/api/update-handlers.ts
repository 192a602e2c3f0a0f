// The update requests and stream: the status line's update part, and "Install now". The work is
// the update service's (../update/update-service.ts); this only says who asked.
import { ApiError } from '../../../shared/api/errors';
import type { UpdateStatus } from '../../../shared/api/contract-update';
import type { ApiHandlers } from './router';

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

export function updateHandlers(
  updates: Updates,
  log?: (message: string) => void,
): { requests: UpdateRequests; streams: UpdateStreams } {
  return {
    requests: {
      getUpdateStatus: () => updates.status(),
      installUpdateNow: async ({ sawBedIds }, caller) => {
        const answer = await updates.installNow({ user: caller.actor, sawBedIds });
        log?.(
          `update: "Install now" by ${caller.actor} having seen ${sawBedIds.length} monitored bed(s): ${answer.installing ? 'installing' : 'not installed'}`,
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
