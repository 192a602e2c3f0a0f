// Telehealth's requests and stream at the workstation (shared/api/contract-telehealth.ts). The
// work is done by the host's telehealth service (../telehealth/remote-consults.ts); its refusal
// becomes an ApiError with the same sentence. Without the service (a shell that does not start
// it) every request says telehealth is not available here and the stream lists nothing.
import { ApiError } from '../../../shared/api/errors';
import { TelehealthError, type RemoteConsults } from '../telehealth/remote-consults';
import { telehealthWords } from '../telehealth/telehealth-words';
import type { ApiHandlers } from './router';

type TelehealthRequests = Pick<
  ApiHandlers['requests'],
  | 'inviteRemoteClinician'
  | 'endRemoteConsult'
  | 'sendAuscultation'
  | 'askRemoteRecording'
  | 'remoteRecordings'
  | 'keepRemoteRecording'
>;
type TelehealthStreams = Pick<ApiHandlers['streams'], 'remoteConsults'>;

const NOT_HERE = 'Telehealth is not available on this workstation.';

export function telehealthHandlers(consults?: RemoteConsults | null): {
  requests: TelehealthRequests;
  streams: TelehealthStreams;
} {
  const service = () => {
    if (!consults) throw new ApiError('invalid_request', NOT_HERE);
    return consults;
  };
  return {
    requests: {
      inviteRemoteClinician: (input, caller) =>
        asApiError(() => service().invite(input, caller.actor)),
      endRemoteConsult: (input, caller) => asApiError(() => service().end(input, caller.actor)),
      sendAuscultation: async ({ bedId, frames }, caller) => ({
        relayed: await asApiError(() => service().sendAuscultation(bedId, frames, caller.actor)),
      }),
      // The remote clinician's side (their consult link, on the central server): not here.
      askRemoteRecording: () => {
        throw new ApiError('invalid_request', telehealthWords.askedRemotely);
      },
      remoteRecordings: () => {
        throw new ApiError('invalid_request', telehealthWords.askedRemotely);
      },
      keepRemoteRecording: (input, caller) =>
        asApiError(() => service().keepRecording(input, caller.actor)),
    },
    streams: {
      remoteConsults: ({ bedId }, emit) => {
        if (!consults) {
          emit({ consults: [] });
          return () => {};
        }
        return consults.subscribe(bedId, emit);
      },
    },
  };
}

async function asApiError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TelehealthError) {
      throw new ApiError(
        error.kind === 'not_found' ? 'not_found' : 'invalid_request',
        error.message,
      );
    }
    throw error;
  }
}
