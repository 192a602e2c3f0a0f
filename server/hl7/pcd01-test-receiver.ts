// Test support: a hospital interface engine's MLLP listener on loopback, made with simple-hl7's
// parser (independent of ours), framing read by hand. It parses every message, keeps it, and
// answers as the test tells it: accept (AA), refuse (AE), say nothing, send garbage, or hang up.
// It can be stopped and started again on the same port (the engine down, then up).
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import hl7 from 'simple-hl7';

export type ReceiverAnswer = 'AA' | 'AE' | 'AR' | 'silent' | 'garbage' | 'hang-up';

export interface Received {
  raw: string;
  msg: ReturnType<InstanceType<typeof hl7.Parser>['parse']>;
  /** MSH-10. */
  controlId: string;
  answer: ReceiverAnswer;
}

export class TestReceiver {
  readonly received: Received[] = [];
  /** Control ids accepted (AA), in order: what the engine has filed. */
  readonly accepted: string[] = [];
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  /** Decides each answer from the message's control id and its text. */
  constructor(public answer: (controlId: string, raw: string) => ReceiverAnswer = () => 'AA') {}

  async start(port = this.port): Promise<void> {
    const server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      buffered += text;
      for (;;) {
        const start = buffered.indexOf('\x0b');
        const end = buffered.indexOf('\x1c\r', start + 1);
        if (start < 0 || end < 0) break;
        const raw = buffered.slice(start + 1, end);
        buffered = buffered.slice(end + 2);
        this.onMessage(socket, raw);
      }
    });
  }

  private onMessage(socket: Socket, raw: string): void {
    const msg = new hl7.Parser().parse(raw);
    const controlId = msg.header.getField(8);
    const answer = this.answer(controlId, raw);
    this.received.push({ raw, msg, controlId, answer });
    if (answer === 'silent') return;
    if (answer === 'hang-up') {
      socket.destroy();
      return;
    }
    if (answer === 'garbage') {
      // Not HL7, an ACK of another message, stray bytes, and a frame far larger than any ACK.
      socket.write(
        '\x0bnot HL7 at all\x1c\r\x0bMSH|^~\\&|X\rMSA|AA|someone-else\x1c\r\x00\xff\x1c\r',
      );
      socket.write(`\x0bMSH|^~\\&|X\rMSA|AA|${controlId}|${'x'.repeat(200_000)}\x1c\r`);
      return;
    }
    if (answer === 'AA') this.accepted.push(controlId);
    const text = answer === 'AA' ? '' : '|Patient not found in the EHR';
    socket.write(
      `\x0bMSH|^~\\&|EHR|HOSPITAL|CENTRAL||20260101000000||ACK^R01^ACK|ack-${this.received.length}|P|2.6\r` +
        `MSA|${answer}|${controlId}${text}\r\x1c\r`,
    );
  }
}
