// The patients requests: admit, discharge, transfer, search. The work is done by Admissions
// (../admissions.ts); here a refusal becomes an ApiError with the same sentence.
import { ApiError } from '../../../shared/api/errors';
import type { ApiHandlers } from './router';
import { AdmissionError, type Admissions } from '../admissions';

type PatientRequests = Pick<
  ApiHandlers['requests'],
  'admitPatient' | 'dischargePatient' | 'transferPatient' | 'searchPatients'
>;

async function refusalsAsApiErrors<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof AdmissionError) {
      throw new ApiError(
        error.kind === 'not_found' ? 'not_found' : 'invalid_request',
        error.message,
      );
    }
    throw error;
  }
}

export function patientHandlers(admissions: Admissions): PatientRequests {
  return {
    admitPatient: ({ bedId, bedLabel, ...details }, caller) =>
      refusalsAsApiErrors(() =>
        admissions.admit(
          { ...details, ...(bedId !== undefined ? { bedId } : { bedLabel: bedLabel! }) },
          caller.actor,
        ),
      ),
    dischargePatient: ({ bedId }, caller) =>
      refusalsAsApiErrors(() => admissions.discharge(bedId, caller.actor)),
    transferPatient: ({ fromBedId, toBedId }, caller) =>
      refusalsAsApiErrors(() => admissions.transfer(fromBedId, toBedId, caller.actor)),
    searchPatients: ({ query }) => admissions.search(query),
  };
}
