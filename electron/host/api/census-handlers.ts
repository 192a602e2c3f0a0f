// The hospital patient list's requests and stream: a nurse's search when admitting, a person's
// answer to a difference with the hospital's record, and the list's state with every patient in
// a bed against it. The work is HospitalList's (../census/hospital-list.ts).
import type { ApiHandlers } from './router';
import type { HospitalList } from '../census/hospital-list';

type CensusRequests = Pick<ApiHandlers['requests'], 'searchCensus' | 'resolveHospitalDifference'>;
type CensusStreams = Pick<ApiHandlers['streams'], 'hospitalList'>;

export function censusHandlers(list: HospitalList): {
  requests: CensusRequests;
  streams: CensusStreams;
} {
  return {
    requests: {
      searchCensus: ({ query }) => list.search(query),
      resolveHospitalDifference: (input, caller) => list.resolve(input, caller.actor),
    },
    streams: {
      hospitalList: (_input, emit) => list.subscribe(emit),
    },
  };
}
