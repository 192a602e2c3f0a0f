// The exports requests and stream: start an export of a bed into the workstation's exports
// folder, cancel it, list them, follow one's progress. The work is done by BedExports
// (../export/bed-exports.ts); here a refusal becomes an ApiError with the same sentence.
import { ApiError, type ApiErrorCode } from '../../../shared/api/errors';
import { ExportRefusal, type BedExports } from '../export/bed-exports';
import type { ApiHandlers } from './router';

type ExportRequests = Pick<
  ApiHandlers['requests'],
  'startExport' | 'cancelExport' | 'listExports' | 'downloadExport'
>;
type ExportStreams = Pick<ApiHandlers['streams'], 'exportProgress'>;

const CODE_OF: Record<ExportRefusal['kind'], ApiErrorCode> = {
  refused: 'invalid_request',
  not_found: 'not_found',
  conflict: 'conflict',
};

function asApiError(error: unknown): unknown {
  return error instanceof ExportRefusal ? new ApiError(CODE_OF[error.kind], error.message) : error;
}

async function refusalsAsApiErrors<T>(action: () => Promise<T> | T): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw asApiError(error);
  }
}

export function exportHandlers(exports: BedExports): {
  requests: ExportRequests;
  streams: ExportStreams;
} {
  return {
    requests: {
      startExport: (query, caller) => refusalsAsApiErrors(() => exports.start(query, caller.actor)),
      cancelExport: ({ exportId }, caller) =>
        refusalsAsApiErrors(() => exports.cancel(exportId, caller.actor)),
      listExports: ({ bedId }) => exports.list(bedId),
      downloadExport: ({ exportId, file }, caller) =>
        refusalsAsApiErrors(() => exports.downloadTicket(exportId, file, caller.actor)),
    },
    streams: {
      exportProgress: ({ exportId }, emit) => {
        try {
          return exports.follow(exportId, emit);
        } catch (error) {
          throw asApiError(error);
        }
      },
    },
  };
}
