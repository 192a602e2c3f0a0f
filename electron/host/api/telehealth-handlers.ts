// Telehealth's requests and stream at the workstation (shared/api/contract-telehealth.ts). The
// work is done by the host's telehealth service (../telehealth/); a refusal becomes an ApiError.
import { ApiError } from '../../../shared/api/errors';
import type { ApiHandlers } from './router';

type TelehealthRequests = Pick<
  ApiHandlers['requests'],
  'inviteRemoteClinician' | 'endRemoteConsult' | 'sendAuscultation'
>;
type TelehealthStreams = Pick<ApiHandlers['streams'], 'remoteConsults'>;

const notYet = () => {
  throw new ApiError('invalid_request', 'Telehealth is not available on this workstation yet.');
};

export function telehealthHandlers(): {
  requests: TelehealthRequests;
  streams: TelehealthStreams;
} {
  return {
    requests: {
      inviteRemoteClinician: notYet,
      endRemoteConsult: notYet,
      sendAuscultation: notYet,
    },
    streams: {
      remoteConsults: (_input, emit) => {
        emit({ consults: [] });
        return () => {};
      },
    },
  };
}
