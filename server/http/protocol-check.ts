// Every sync request says which protocol it speaks (x-sync-protocol); one the server cannot talk
// to is answered 426 with the words of protocolMismatchMessage, and its data stay queued.
import type { IncomingMessage } from 'node:http';
import {
  OLDEST_SYNC_PROTOCOL,
  SYNC_PROTOCOL,
  SYNC_PROTOCOL_HEADER,
  protocolMismatchMessage,
  protocolVerdict,
} from '../../shared/sync/protocol';
import { SyncRefusal } from '../sync/refusal';

const SPOKEN = { serverProtocol: SYNC_PROTOCOL, oldestProtocol: OLDEST_SYNC_PROTOCOL };

/** Throws a 426 refusal unless the peer's protocol is one this server talks. */
export function refuseProtocol(theirs: number): void {
  const verdict = protocolVerdict(theirs);
  if (verdict === 'ok') return;
  throw new SyncRefusal(
    verdict === 'peer-too-old' ? 'protocol-too-old' : 'protocol-too-new',
    protocolMismatchMessage(theirs, SYNC_PROTOCOL, OLDEST_SYNC_PROTOCOL),
    SPOKEN,
  );
}

/** The request's protocol header; `required` false lets a request without one through. */
export function checkProtocolHeader(req: IncomingMessage, required: boolean): void {
  const raw = req.headers[SYNC_PROTOCOL_HEADER];
  if (raw === undefined && !required) return;
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (text === undefined || !/^\s*\d{1,9}\s*$/.test(text)) {
    throw new SyncRefusal(
      'protocol-too-old',
      `The request does not say which sync protocol it speaks (${SYNC_PROTOCOL_HEADER} header); ` +
        `the central server speaks ${OLDEST_SYNC_PROTOCOL} to ${SYNC_PROTOCOL}. Update the ` +
        'workstation. Its data stay kept and queued.',
      SPOKEN,
    );
  }
  refuseProtocol(Number(text));
}
