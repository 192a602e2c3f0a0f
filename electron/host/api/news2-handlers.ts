// The early warning score's request: what the nurse records at the bed. The work is done by the
// News2Monitor (../news2/news2-monitor.ts); a refusal becomes an ApiError with the same sentence.
import { ApiError } from '../../../shared/api/errors';
import type { ApiHandlers } from './router';
import { News2Error, type News2Monitor } from '../news2/news2-monitor';

type News2Requests = Pick<ApiHandlers['requests'], 'recordNews2Observation'>;

export function news2Handlers(news2: News2Monitor): News2Requests {
  return {
    recordNews2Observation: async ({ bedId, observation }, caller) => {
      try {
        return await news2.record(bedId, observation, caller.actor);
      } catch (error) {
        if (error instanceof News2Error) {
          throw new ApiError(
            error.kind === 'not_found' ? 'not_found' : 'invalid_request',
            error.message,
          );
        }
        throw error;
      }
    },
  };
}
