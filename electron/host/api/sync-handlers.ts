// The sync requests and stream: the status every screen shows, and enrolment from a settings
// screen. The work is WorkstationSync's (../sync/workstation-sync.ts); a refused enrolment becomes
// an ApiError with the same sentence.
import { ApiError } from '../../../shared/api/errors';
import type { ApiHandlers } from './router';
import { EnrolmentError } from '../sync/enrolment';
import type { WorkstationSync } from '../sync/workstation-sync';

type SyncRequests = Pick<
  ApiHandlers['requests'],
  'getSyncStatus' | 'enrol' | 'forgetEnrolment' | 'sendSetAsideAgain'
>;
type SyncStreams = Pick<ApiHandlers['streams'], 'syncStatus'>;

export function syncHandlers(
  sync: WorkstationSync,
  log?: (message: string) => void,
): { requests: SyncRequests; streams: SyncStreams } {
  return {
    requests: {
      getSyncStatus: () => sync.status(),
      enrol: async ({ server, code, name, caPem }, caller) => {
        try {
          const status = await sync.enrol({ server, code, name, caPem });
          log?.(`sync: enrolment with ${server} by ${caller.actor}`);
          return status;
        } catch (error) {
          if (error instanceof EnrolmentError) throw new ApiError('invalid_request', error.message);
          throw error;
        }
      },
      forgetEnrolment: async (_input, caller) => {
        log?.(`sync: enrolment forgotten by ${caller.actor}`);
        return sync.forget();
      },
      sendSetAsideAgain: async (_input, caller) => ({
        requeued: await sync.sendSetAsideAgain(caller.actor),
      }),
    },
    streams: {
      syncStatus: (_input, emit) => sync.subscribe(emit),
    },
  };
}
