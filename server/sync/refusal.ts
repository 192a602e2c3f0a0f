// A request the server will not carry out, with the code a program acts on and the words a person
// can act on (shared/sync/protocol.ts SyncErrorBody). The HTTP edge turns it into a status.
import type { SyncErrorBody, SyncErrorCode } from '../../shared/sync/protocol';

export class SyncRefusal extends Error {
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    readonly extra: Omit<SyncErrorBody, 'error' | 'message'> = {},
    /** When the code's usual HTTP status does not fit (a malformed code is 400, not 403). */
    readonly status?: number,
  ) {
    super(message);
  }

  body(): SyncErrorBody {
    return { error: this.code, message: this.message, ...this.extra };
  }
}
