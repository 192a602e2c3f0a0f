// One ADT message in, its acknowledgement out: read it, apply it (the census store is injected),
// and answer AA once it is committed, or AE/AR with the reason when it is refused or cannot be
// stored. Nothing here throws: every outcome is an ACK and a line for the server's log.
import { ackedHeaderOf, buildAck, HL7_ERROR, roughHeaderOf } from './ack';
import type { AckCode, AckedHeader, AckRefusal } from './ack';
import { AdtRefusal, parseAdtText, readAdt } from './adt-message';
import type { AdtMessage } from './adt-message';
import type { ParsedMessage } from './er7';
import type { AdtApplied } from '../census/census-store';

export interface AdtAnswerDeps {
  apply(adt: AdtMessage, receivedAtMs: number): Promise<AdtApplied>;
  nowMs(): number;
  /** This server's control id for the next ACK. */
  nextControlId(): string;
}

export interface AdtAnswer {
  ack: string;
  code: AckCode;
  /** For the server's log: the control id, the event and what happened (no patient names). */
  logLine: string;
}

export async function answerAdt(text: string, deps: AdtAnswerDeps): Promise<AdtAnswer> {
  const receivedAtMs = deps.nowMs();
  let parsed: ParsedMessage | null = null;
  let adt: AdtMessage;
  try {
    parsed = parseAdtText(text);
    adt = readAdt(parsed);
  } catch (error) {
    const answered = parsed ? ackedHeaderOf(parsed) : roughHeaderOf(text);
    if (error instanceof AdtRefusal) {
      return refusal(deps, answered, error.ack, error.refusal, error.message);
    }
    const answer = refusal(
      deps,
      answered,
      'AR',
      { error: HL7_ERROR.applicationInternal },
      'The central server failed to read this message (it is logged); nothing of it was applied.',
    );
    return {
      ...answer,
      logLine: `ADT message could not be read: ${(error as Error)?.stack ?? error}`,
    };
  }
  const ref = `${adt.event} ${adt.controlId} from ${adt.sender}`;
  try {
    const applied = await deps.apply(adt, receivedAtMs);
    const words = applied.duplicate
      ? `Already applied (first received ${new Date(applied.firstReceivedAtMs).toISOString()}); ` +
        `not applied again. ${applied.outcome}`
      : applied.outcome;
    return {
      ack: buildAck({
        answered: adt.header,
        code: 'AA',
        text: words,
        controlId: deps.nextControlId(),
        nowMs: deps.nowMs(),
      }),
      code: 'AA',
      logLine: `ADT ${ref}: ${applied.duplicate ? 'sent again, acknowledged, not applied twice' : `applied (census seq ${applied.seq})`}.`,
    };
  } catch (error) {
    const answer = refusal(
      deps,
      adt.header,
      'AR',
      { error: HL7_ERROR.applicationInternal },
      'The central server could not store this message just now; nothing of it was applied. ' +
        'Send it again.',
    );
    return { ...answer, logLine: `ADT ${ref} could not be applied: ${String(error)}` };
  }
}

/** The AR for a frame larger than the listener takes (only its beginning was kept). */
export function answerTooLarge(
  head: string,
  bytesSoFar: number,
  maxBytes: number,
  deps: Omit<AdtAnswerDeps, 'apply'>,
): AdtAnswer {
  return refusal(
    deps,
    roughHeaderOf(head),
    'AR',
    { error: HL7_ERROR.applicationInternal },
    `The message is too large: this listener takes ${maxBytes} bytes per message at most, ` +
      `and this one passed ${bytesSoFar}. Nothing of it was applied.`,
  );
}

function refusal(
  deps: Omit<AdtAnswerDeps, 'apply'>,
  answered: AckedHeader | null,
  code: 'AE' | 'AR',
  detail: AckRefusal,
  text: string,
): AdtAnswer {
  const ack = buildAck({
    answered,
    code,
    text,
    refusal: detail,
    controlId: deps.nextControlId(),
    nowMs: deps.nowMs(),
  });
  const id = answered?.controlId ? ` ${answered.controlId}` : '';
  return { ack, code, logLine: `ADT message${id} refused ${code}: ${text}` };
}
