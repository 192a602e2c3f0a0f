// The blood-pressure requests: download the monitor for the patient in a bed, and assign or drop
// the readings held for a person. The work is done by BloodPressureDownloads
// (../devices/bp-downloads.ts); here its refusals, and the monitor's own failures (not found, no
// answer, bad data: sentences a person can act on), become ApiErrors with the same sentence.
import { ApiError, type ApiErrorCode } from '../../../shared/api/errors';
import type { ApiHandlers } from './router';
import { BloodPressureRefusal, type BloodPressureDownloads } from '../devices/bp-downloads';

type BloodPressureRequests = Pick<
  ApiHandlers['requests'],
  'importBloodPressure' | 'assignBloodPressureReadings'
>;

const CODE_OF: Record<BloodPressureRefusal['kind'], ApiErrorCode> = {
  refused: 'invalid_request',
  not_found: 'not_found',
  conflict: 'conflict',
};

async function asApiErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const code = error instanceof BloodPressureRefusal ? CODE_OF[error.kind] : 'invalid_request';
    throw new ApiError(code, (error as Error).message);
  }
}

export function bloodPressureHandlers(downloads: BloodPressureDownloads): BloodPressureRequests {
  return {
    importBloodPressure: ({ bedLabel }, caller) =>
      asApiErrors(() => downloads.download(bedLabel, caller.actor)),
    assignBloodPressureReadings: (decision, caller) =>
      asApiErrors(() => downloads.decide(decision, caller.actor)),
  };
}
