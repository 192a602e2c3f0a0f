// Sends the outbound queue to the hospital's interface engine over MLLP, one message in flight:
// it waits for the ACK before the next. MSA-1 AA/CA: delivered. AE/AR/CE/CR (a NAK): retried
// with backoff, and after maxRefusals set aside with the receiver's reason so that one message
// the engine will not take does not hold back every bed's data. No answer in time, or the
// connection lost: the same message (same control id) again on a new connection, for as long as
// it takes: silence is never counted as a refusal. Reconnects back off with full jitter. Every
// problem is one log line when it begins (and when it ends); nothing the receiver sends can
// throw out of here.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { Er7Error, findSegment, get, parseEr7 } from './er7';
import { frame, MllpDecoder } from './mllp';
import type { OutboundStore, QueuedMessage } from './outbound-queue';

export interface SenderOptions {
  host: string;
  port: number;
  /** How long to wait for the ACK of a message before sending it again. */
  ackTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Waits between attempts: full jitter up to first·2ⁿ, at most max. */
  retryMs?: { first: number; max: number };
  /** Refusals of one message before it is set aside. */
  maxRefusals?: number;
  /** How often an empty queue is looked at again (a wake() is sooner). */
  idlePollMs?: number;
  random?: () => number;
  log: (line: string) => void;
}

const DEFAULTS = {
  ackTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  retryMs: { first: 1_000, max: 60_000 },
  maxRefusals: 5,
  idlePollMs: 1_000,
};

/** Messages read from the queue at a time (sent one by one, in order). */
const READ_AHEAD = 200;

/** An ACK larger than this is not an ACK. */
const MAX_ACK_BYTES = 64 * 1024;

type Answer =
  | { kind: 'ack'; code: string; text: string }
  | { kind: 'silent' }
  | { kind: 'closed'; problem: string };

export interface SenderStatus {
  connected: boolean;
  delivered: number;
  refusals: number;
  setAside: number;
  resentAfterSilence: number;
}

export class MllpSender {
  private readonly o: typeof DEFAULTS & SenderOptions;
  private socket: Socket | null = null;
  private decoder: MllpDecoder | null = null;
  private waiting: ((answer: Answer) => void) | null = null;
  private awaitedControlId = '';
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private failures = 0;
  /** The next messages, read ahead from the queue in order; the first is the one to send. */
  private ahead: QueuedMessage[] = [];
  /** The problem now being had, logged once until it ends. */
  private problem: string | null = null;
  readonly status: SenderStatus = {
    connected: false,
    delivered: 0,
    refusals: 0,
    setAside: 0,
    resentAfterSilence: 0,
  };

  constructor(
    private readonly store: OutboundStore,
    options: SenderOptions,
  ) {
    this.o = { ...DEFAULTS, ...options };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Something was queued: look now rather than at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    this.drop('the sender stopped');
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.step();
      } catch (error) {
        // The database is away, or a bug: said once, then tried again after a rest.
        this.trouble(`HL7 out: ${(error as Error).message}`);
        this.ahead = []; // read again from what the database holds
        await this.rest(this.backoff());
      }
    }
  }

  private async step(): Promise<void> {
    if (this.ahead.length === 0) this.ahead = await this.store.pending(READ_AHEAD);
    const next = this.ahead[0];
    if (!next) {
      await this.rest(this.o.idlePollMs);
      return;
    }
    if (!(await this.connected())) {
      await this.rest(this.backoff());
      return;
    }
    const answer = await this.send(next);
    if (!this.running) return;
    if (answer.kind === 'ack' && (answer.code === 'AA' || answer.code === 'CA')) {
      await this.store.accepted(next.seq);
      this.ahead.shift();
      this.status.delivered += 1;
      this.failures = 0;
      this.fine();
      return;
    }
    if (answer.kind === 'ack') {
      const reason = `${answer.code}${answer.text ? `: ${answer.text}` : ''}`;
      this.status.refusals += 1;
      if (next.attempts + 1 >= this.o.maxRefusals) {
        await this.store.setAside(next.seq, reason);
        this.ahead.shift();
        this.status.setAside += 1;
        this.o.log(
          `HL7 out: ${next.messageType} ${next.controlId} set aside after ${next.attempts + 1} ` +
            `refusals by ${this.address()} (${reason}); the queue goes on. It stays in ` +
            `hl7_outbound (state set-aside) to be looked at and queued again.`,
        );
        return;
      }
      await this.store.refused(next.seq, reason);
      next.attempts += 1;
      this.o.log(
        `HL7 out: ${this.address()} refused ${next.messageType} ${next.controlId} ` +
          `(${reason}); sending it again (refusal ${next.attempts} of ${this.o.maxRefusals}).`,
      );
      await this.rest(this.backoff());
      return;
    }
    if (answer.kind === 'silent') {
      this.status.resentAfterSilence += 1;
      this.trouble(
        `HL7 out: no ACK from ${this.address()} for ${next.controlId} within ` +
          `${this.o.ackTimeoutMs} ms; reconnecting and sending the same message again.`,
      );
    } else {
      this.trouble(`HL7 out: connection to ${this.address()} lost (${answer.problem}); retrying.`);
    }
    // A late ACK on the old connection must not be taken for the next message's.
    this.drop('no answer');
    await this.rest(this.backoff());
  }

  private address() {
    return `${this.o.host}:${this.o.port}`;
  }

  private backoff(): number {
    const bound = Math.min(
      this.o.retryMs.max,
      this.o.retryMs.first * 2 ** Math.min(this.failures, 30),
    );
    this.failures += 1;
    return Math.round((this.o.random ?? Math.random)() * bound);
  }

  private trouble(line: string): void {
    const kind = line.replace(/\d+/g, '#').slice(0, 60);
    if (this.problem === kind) return;
    this.problem = kind;
    this.o.log(line);
  }

  private fine(): void {
    if (this.problem === null) return;
    this.problem = null;
    this.o.log(`HL7 out: ${this.address()} accepts messages again.`);
  }

  private rest(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }

  private connected(): Promise<boolean> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const socket = connect({ host: this.o.host, port: this.o.port });
      socket.setNoDelay(true);
      const timer = setTimeout(
        () => fail(new Error('no connection in time')),
        this.o.connectTimeoutMs,
      );
      const fail = (error: Error) => {
        clearTimeout(timer);
        socket.destroy();
        this.trouble(`HL7 out: cannot connect to ${this.address()} (${error.message}); retrying.`);
        resolve(false);
      };
      socket.once('error', fail);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', fail);
        this.attach(socket);
        resolve(true);
      });
    });
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    this.status.connected = true;
    this.decoder = new MllpDecoder(MAX_ACK_BYTES, {
      message: (text) => this.answered(text),
      oversize: () => undefined,
    });
    socket.on('data', (chunk: Buffer) => this.decoder?.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket === socket) {
        this.socket = null;
        this.decoder = null;
        this.status.connected = false;
      }
      this.settle({ kind: 'closed', problem: 'closed by the receiver' });
    });
  }

  /** An ACK, or something else; only an ACK of the message in flight settles it. */
  private answered(text: string): void {
    try {
      const parsed = parseEr7(text);
      const msa = findSegment(parsed, 'MSA');
      if (!msa) return;
      if (get(parsed, msa, 2) !== this.awaitedControlId) return; // a late ACK of another one
      const code = get(parsed, msa, 1).toUpperCase();
      if (!['AA', 'AE', 'AR', 'CA', 'CE', 'CR'].includes(code)) return;
      const err = findSegment(parsed, 'ERR');
      const words =
        get(parsed, msa, 3) || (err ? get(parsed, err, 8) || get(parsed, err, 3, 2) : '');
      this.settle({ kind: 'ack', code, text: words.slice(0, 300) });
    } catch (error) {
      if (!(error instanceof Er7Error)) throw error;
      // Not HL7: ignored; the timeout sends the message again.
    }
  }

  private settle(answer: Answer): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.(answer);
  }

  private send(next: QueuedMessage): Promise<Answer> {
    const socket = this.socket;
    if (!socket || socket.destroyed) {
      return Promise.resolve({ kind: 'closed', problem: 'closed before sending' });
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle({ kind: 'silent' }), this.o.ackTimeoutMs);
      this.awaitedControlId = next.controlId;
      this.waiting = (answer) => {
        clearTimeout(timer);
        resolve(answer);
      };
      socket.write(frame(next.message));
    });
  }

  private drop(why: string): void {
    const socket = this.socket;
    this.socket = null;
    this.decoder = null;
    this.status.connected = false;
    socket?.destroy();
    this.settle({ kind: 'closed', problem: why });
  }
}
