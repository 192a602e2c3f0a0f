// Test support: ADT messages made by an independent encoder (simple-hl7's Message, not our ER7
// writer) and sent over real MLLP by simple-hl7's TCP client, the ACK read by simple-hl7 too; and a
// raw MLLP socket for what no well-behaved sender does. The ADT tests and the bench use it.
// simple-hl7 does not escape: the values here hold none of | ^ ~ \ &.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import hl7 from 'simple-hl7';
import type { Message, TcpClient } from 'simple-hl7';

export interface AdtPerson {
  mrn: string;
  family?: string;
  given?: string;
  /** YYYYMMDD */
  birth?: string;
  sex?: string;
  /** PV1-3: unit, room, bed, facility. */
  location?: string[];
  visit?: string;
  patientClass?: string;
  /** PV1-44 and PV1-45, HL7 times. */
  admit?: string;
  discharge?: string;
}

export interface AdtOptions {
  /** MSH-12, 2.5 unless given. */
  version?: string;
  /** MSH-9.1, ADT unless given. */
  type?: string;
  withoutPid?: boolean;
  /** MSH-7 and EVN-2. */
  eventTime?: string;
  /** MSH-3. */
  sendingApplication?: string;
}

export function adtMessage(
  event: string,
  controlId: string,
  person: AdtPerson,
  options: AdtOptions = {},
): Message {
  const when = options.eventTime ?? '20261206120000+0000';
  const msg = new hl7.Message(
    options.sendingApplication ?? 'ADT_ENGINE',
    'GENERAL_HOSPITAL',
    'CENTRAL',
    'ICU',
    when,
    '',
    [options.type ?? 'ADT', event],
    controlId,
    'P',
    options.version ?? '2.5',
  );
  msg.addSegment('EVN', event, when);
  if (!options.withoutPid) {
    msg.addSegment(
      'PID',
      '1',
      '',
      // Another identifier first: the MR one must be picked, not the first.
      new hl7.Field(['INS-000', '', '', 'PAYER', 'PI'], [person.mrn, '', '', 'GH', 'MR']),
      '',
      [person.family ?? '', person.given ?? ''],
      '',
      person.birth ?? '',
      person.sex ?? '',
    );
  }
  const pv1: unknown[] = Array.from({ length: 45 }, () => '');
  pv1[0] = '1';
  pv1[1] = person.patientClass ?? 'I';
  pv1[2] = person.location ?? '';
  pv1[18] = person.visit ?? '';
  pv1[43] = person.admit ?? '';
  pv1[44] = person.discharge ?? '';
  while (pv1.length > 2 && pv1.at(-1) === '') pv1.pop();
  msg.addSegment('PV1', ...pv1);
  return msg;
}

/** An MLLP connection kept open across messages (simple-hl7's keepalive client). */
export function mllpClient(port: number, host = '127.0.0.1'): TcpClient {
  return hl7.Server.createTcpClient({ host, port, keepalive: true });
}

/** Sends one message and waits for its ACK, read by simple-hl7. */
export function sendAdt(client: TcpClient, msg: Message, timeoutMs = 15_000): Promise<Message> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no ACK in time')), timeoutMs);
    client.send(msg, (error, ack) => {
      clearTimeout(timer);
      if (error || !ack) reject(error ?? new Error('no ACK'));
      else resolve(ack);
    });
  });
}

export interface AckView {
  code: string;
  answers: string;
  text: string;
  /** ERR-3.1, ERR-4, ERR-8 ('' without an ERR segment). */
  errorCode: string;
  severity: string;
  userMessage: string;
  /** MSH-3, MSH-5 of the ACK (sending and receiving application), MSH-9. */
  sendingApplication: string;
  receivingApplication: string;
  type: string;
}

export function ackView(ack: Message): AckView {
  const msa = ack.getSegment('MSA');
  const err = ack.getSegment('ERR');
  return {
    code: msa.getField(1),
    answers: msa.getField(2),
    text: msa.getField(3),
    errorCode: err ? err.getComponent(3, 1) : '',
    severity: err ? err.getField(4) : '',
    userMessage: err ? err.getField(8) : '',
    // simple-hl7's header field n is MSH-(n+2).
    sendingApplication: ack.header.getField(1),
    receivingApplication: ack.header.getField(3),
    type: ack.header.getField(7),
  };
}

/** A bare socket that writes what it is told and reads ACK frames with simple-hl7's parser. */
export interface RawMllp {
  socket: Socket;
  write(bytes: Buffer | string): void;
  /** The next ACK on this connection. */
  nextAck(timeoutMs?: number): Promise<Message>;
  close(): void;
}

export async function rawMllp(port: number, host = '127.0.0.1'): Promise<RawMllp> {
  const socket = connect({ host, port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  let buffer = '';
  const acks: string[] = [];
  const waiters: ((text: string) => void)[] = [];
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let end: number;
    while ((end = buffer.indexOf('\x1c\r')) >= 0) {
      const text = buffer.slice(buffer.indexOf('\x0b') + 1, end);
      buffer = buffer.slice(end + 2);
      const waiter = waiters.shift();
      if (waiter) waiter(text);
      else acks.push(text);
    }
  });
  const parser = new hl7.Parser({ segmentSeperator: '\r' });
  return {
    socket,
    write: (bytes) => socket.write(bytes),
    nextAck: (timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const ready = acks.shift();
        if (ready !== undefined) return resolve(parser.parse(ready));
        const timer = setTimeout(() => reject(new Error('no ACK in time')), timeoutMs);
        waiters.push((text) => {
          clearTimeout(timer);
          resolve(parser.parse(text));
        });
      }),
    close: () => socket.destroy(),
  };
}

/** A message in an MLLP frame, as simple-hl7 writes it. */
export function framed(msg: Message | string): string {
  return `\x0b${msg.toString()}\x1c\r`;
}
