// The patients requests: admit, discharge, transfer, search, history. The work is done by
// Admissions (../admissions.ts); here a refusal becomes an ApiError with the same sentence (and,
// for an MRN known with other details, both sets of details for the person to confirm or not).
import { ApiError, type ApiErrorCode } from '../../../shared/api/errors';
import type { ApiHandlers } from './router';
import { AdmissionError, type Admissions } from '../admissions';

type PatientRequests = Pick<
  ApiHandlers['requests'],
  'admitPatient' | 'dischargePatient' | 'transferPatient' | 'searchPatients' | 'patientHistory'
>;

const CODE_OF: Record<AdmissionError['kind'], ApiErrorCode> = {
  refused: 'invalid_request',
  not_found: 'not_found',
  'same-person': 'conflict',
};

async function refusalsAsApiErrors<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof AdmissionError) {
      throw new ApiError(CODE_OF[error.kind], error.message, error.question);
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
    patientHistory: ({ patientId }) => refusalsAsApiErrors(() => admissions.history(patientId)),
  };
}
