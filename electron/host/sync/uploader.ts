// Sends the sync outbox to the central server, beside ingest on the host's main thread, one batch
// in flight: lane 0 (alarms, admissions, identities, audit) wholly before lane 1 (numerics)
// before lane 2 (waveforms, strips, sounds), newest first within a lane, each batch bounded in
// bytes and rows. The store is only read and then told what the server committed: no transaction
// is ever held across the network. Rows leave the outbox only on a 200 whose PushResponse parses
// and accounts for every row; rows the server refuses are set aside with its reason and never
// block the rows behind them. Anything else (5xx, garbage, a timeout, a cut connection) is tried
// again after a backoff with full jitter; while the link is down the server is probed at least
// every few seconds, so sending resumes within seconds of its return. 426: the versions do not
// match (data kept); 401/403: the workstation is revoked (data kept, monitoring unaffected).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { uuidv7 } from '../../../shared/ids';
import { MAX_PUSH_BYTES, MAX_PUSH_ROWS, TARGET_PUSH_BYTES } from '../../../shared/sync/push-frame';
import { Hello, PushResponse } from '../../../shared/sync/messages';
import {
  protocolMismatchMessage,
  protocolVerdict,
  SYNC_PATHS,
  SYNC_PROTOCOL,
  SYNC_PROTOCOL_HEADER,
} from '../../../shared/sync/protocol';
import { SYNC_LANES } from '../../../shared/sync/tables';
import type { OutboxFrame, StoreOutbox, SyncLane } from '../store/client';
import { Backoff } from './backoff';
import { mismatchWords, refusalOf } from './enrolment';
import { exchange, SyncLinkError, type SyncAnswer, type SyncEndpoint } from './http';

/** Where and as whom to send: the enrolled server, this workstation's credential. */
export interface SyncLink {
  endpoint: SyncEndpoint;
  credential: string;
  /** The workstation id the server knows (the push frame names it). */
  workstationId: string;
  /** Keeps connections open between batches (http.ts agentFor). */
  agent?: HttpAgent | HttpsAgent;
}

export type UploaderState =
  | { kind: 'not-enrolled' }
  /** Nothing waits, or it is being sent: the last exchange went well. */
  | { kind: 'connected'; sending: boolean }
  /** No answer (refused or cut connections, timeouts, TLS): probing for the server's return. */
  | { kind: 'unreachable'; problem: string }
  /** The server answers, but not with success (5xx, an answer that is not one). */
  | { kind: 'failing'; problem: string }
  | { kind: 'version-mismatch'; message: string }
  | { kind: 'revoked'; message: string };

export interface UploaderOptions {
  outbox: StoreOutbox;
  /** Asked before every batch: null while the workstation is not enrolled. */
  link: () => SyncLink | null;
  log?: (message: string) => void;
  /** Told of every change of state. */
  onState?: (state: UploaderState) => void;
  /** Told of every batch the server committed: rows, their stored bytes, the frame's bytes. */
  onSent?: (sent: { rows: number; bytes: number; wireBytes: number; atMs: number }) => void;
  /** Told of rows set aside, with the reason. */
  onSetAside?: (count: number, reason: string) => void;
  maxBatchBytes?: number;
  /** Rows per batch (encoded on the store's thread at ~3 µs a row, not on this one). */
  maxBatchRows?: number;
  connectTimeoutMs?: number;
  /** A server that accepts and then says nothing for this long is given up on. */
  answerTimeoutMs?: number;
  /** Backoff bounds after a failure (full jitter). */
  retryMs?: { first: number; max: number };
  /** While unreachable, the server is asked whether it is back at least this often. */
  probeEveryMs?: number;
  probeTimeoutMs?: number;
  /** Caught up: how long before looking at the outbox again. */
  idleMs?: number;
  /** A version mismatch: how often hello is asked whether the server was updated. */
  mismatchRecheckMs?: number;
  /** A pause between batches while the event loop lags beyond lagThresholdMs (p99). */
  lagThresholdMs?: number;
  lagPauseMs?: number;
  random?: () => number;
  now?: () => number;
}

const DEFAULTS = {
  maxBatchBytes: TARGET_PUSH_BYTES,
  maxBatchRows: 5_000,
  connectTimeoutMs: 10_000,
  answerTimeoutMs: 30_000,
  retryMs: { first: 1_000, max: 60_000 },
  probeEveryMs: 5_000,
  probeTimeoutMs: 4_000,
  idleMs: 2_000,
  mismatchRecheckMs: 60_000,
  lagThresholdMs: 20,
  lagPauseMs: 250,
};

type Outcome =
  /** full: the batch reached its bounds, so more of its lane waits. */
  | { kind: 'sent'; lane: SyncLane; full: boolean }
  | { kind: 'empty' }
  | { kind: 'link-down'; problem: string }
  | { kind: 'failing'; problem: string }
  | { kind: 'sticky' }
  /** Try again at once (a smaller batch, rows set aside). */
  | { kind: 'again' }
  /** A push went out and is being answered; the next one may start beside it. */
  | { kind: 'in-flight' };

/** A batch whose push has started: its outcome once answered and settled. */
interface Pushing {
  kind: 'pushing';
  full: boolean;
  answer: Promise<Outcome>;
}

export class Uploader {
  private readonly o: typeof DEFAULTS & UploaderOptions;
  private readonly log: (message: string) => void;
  private readonly now: () => number;
  private readonly backoff: Backoff;
  private readonly lag: IntervalHistogram;
  private current: UploaderState = { kind: 'not-enrolled' };
  private running: Promise<void> | null = null;
  private readonly stopping = new AbortController();
  private wakeUp: (() => void) | null = null;
  /** Rows per batch now: halved while the server refuses a whole frame, to find the bad row. */
  private rowsLimit: number;
  private bytesLimit: number;
  /** The credential a sticky refusal (revoked) was given for: another one is tried afresh. */
  private refusedCredential: string | null = null;
  private lastSuccessMs: number | null = null;
  /**
   * Lanes 1 and 2 found drained in this round (a batch short of its bounds) are not read again
   * until the round ends: numerics arrive every fraction of a second, and would otherwise keep
   * waveforms waiting for ever. Lane 0 is always read first (a new alarm never waits).
   */
  private readonly drained = new Set<SyncLane>();
  /**
   * The lane's next batch, read and encoded on the store's thread while the one before it was on
   * the wire (rows queued before that one's, so none twice); used only after that one was sent.
   */
  /**
   * A push sent and not yet answered while the next one goes out beside it: the server's work on
   * one batch (its transaction) overlaps the next batch's trip, so a backlog drains about twice
   * as fast. Only while batches are full and none was refused (two at most); a fault or a
   * refusal settles both before anything else is tried.
   */
  private inFlight: Promise<Outcome> | null = null;
  private prefetched: {
    lane: SyncLane;
    batchId: string;
    rows: number;
    bytes: number;
    read: Promise<OutboxFrame | null>;
  } | null = null;

  constructor(options: UploaderOptions) {
    this.o = { ...DEFAULTS, ...options };
    this.log = options.log ?? ((message) => console.log(message));
    this.now = options.now ?? Date.now;
    this.backoff = new Backoff(this.o.retryMs.first, this.o.retryMs.max, options.random);
    this.rowsLimit = this.o.maxBatchRows;
    this.bytesLimit = this.o.maxBatchBytes;
    this.lag = monitorEventLoopDelay({ resolution: 10 });
  }

  get state(): UploaderState {
    return this.current;
  }

  /** When the server last committed a batch (or said it was there), UTC ms. */
  get lastSuccessAtMs(): number | null {
    return this.lastSuccessMs;
  }

  start(): this {
    this.lag.enable();
    this.running ??= this.loop().catch((error: unknown) =>
      this.log(`sync: the uploader stopped: ${String(error)}`),
    );
    return this;
  }

  /** Look again now (an enrolment made or forgotten, rows written that should go at once). */
  nudge(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.wakeUp?.();
    await this.running;
    await this.inFlight?.catch(() => undefined);
    this.lag.disable();
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private setState(next: UploaderState): void {
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    const before = this.current.kind;
    this.current = next;
    if (next.kind !== before) {
      const detail =
        'problem' in next ? `: ${next.problem}` : 'message' in next ? `: ${next.message}` : '';
      this.log(`sync: ${next.kind}${detail}`);
    }
    this.o.onState?.(next);
  }

  /** Sleeps `ms`, or less if nudged or stopped. */
  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
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

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const link = this.o.link();
      if (link === null) {
        this.setState({ kind: 'not-enrolled' });
        this.refusedCredential = null;
        await this.sleep(5_000);
        continue;
      }
      if (this.current.kind === 'revoked' && this.refusedCredential === link.credential) {
        await this.sleep(60_000);
        continue;
      }
      if (this.current.kind === 'version-mismatch') {
        await this.sleep(this.o.mismatchRecheckMs);
        if (this.stopped) break;
        const hello = await this.hello(link);
        if (hello !== 'compatible') continue;
      }
      if (this.current.kind === 'unreachable') {
        // Probe until the server answers, never waiting longer than probeEveryMs between tries.
        await this.sleep(Math.min(this.backoff.next(), this.o.probeEveryMs));
        if (this.stopped) break;
        const hello = await this.hello(link);
        if (hello === 'down') continue;
      }
      let outcome: Outcome;
      try {
        outcome = await this.sendPipelined(link);
      } catch (error) {
        // The store could not be read or told (a full disk, a restart): later, as a failure.
        outcome = { kind: 'failing', problem: `the data store: ${(error as Error).message}` };
      }
      if (this.stopped) break;
      switch (outcome.kind) {
        case 'sent':
          this.backoff.reset();
          this.lastSuccessMs = this.now();
          if (!outcome.full && outcome.lane > 0) this.drained.add(outcome.lane);
          this.setState({ kind: 'connected', sending: outcome.full });
          await this.yieldToLiveData();
          break;
        case 'empty':
          // The round is over: every lane sent up to what had arrived. The next one after a rest.
          this.drained.clear();
          this.setState({ kind: 'connected', sending: false });
          await this.sleep(this.o.idleMs);
          break;
        case 'again':
          break;
        case 'in-flight':
          break;
        case 'sticky':
          break;
        case 'link-down':
          this.setState({ kind: 'unreachable', problem: outcome.problem });
          break;
        case 'failing':
          this.setState({ kind: 'failing', problem: outcome.problem });
          await this.sleep(this.backoff.next());
          break;
      }
    }
  }

  /** Between batches: at once, unless the event loop lags (live data first). */
  private async yieldToLiveData(): Promise<void> {
    const p99Ms = this.lag.percentile(99) / 1e6;
    this.lag.reset();
    if (p99Ms > this.o.lagThresholdMs) return this.sleep(this.o.lagPauseMs);
    // Let I/O and timers run before the next batch is read and encoded.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Whether the server answers hello, and speaks our protocol. */
  private async hello(link: SyncLink): Promise<'compatible' | 'mismatch' | 'down'> {
    let answer: SyncAnswer;
    try {
      answer = await exchange(link.endpoint, {
        method: 'GET',
        path: SYNC_PATHS.hello,
        headers: { [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL) },
        connectTimeoutMs: this.o.probeTimeoutMs,
        idleTimeoutMs: this.o.probeTimeoutMs,
        maxResponseBytes: 64 * 1024,
        signal: this.stopping.signal,
        ...(link.agent ? { agent: link.agent } : {}),
      });
    } catch (error) {
      if (this.current.kind === 'unreachable' && error instanceof SyncLinkError) {
        this.setState({ kind: 'unreachable', problem: error.message });
      }
      return 'down';
    }
    let hello: Hello | null;
    try {
      const parsed = Hello.safeParse(JSON.parse(answer.body.toString('utf8')));
      hello = parsed.success ? parsed.data : null;
    } catch {
      hello = null;
    }
    if (answer.status !== 200 || hello === null) return 'down';
    // Our protocol as the server judges it: too old for it, or newer than it speaks.
    if (protocolVerdict(SYNC_PROTOCOL, hello.protocol, hello.oldestProtocol) !== 'ok') {
      this.setState({
        kind: 'version-mismatch',
        message: protocolMismatchMessage(SYNC_PROTOCOL, hello.protocol, hello.oldestProtocol),
      });
      return 'mismatch';
    }
    this.backoff.reset();
    this.lastSuccessMs = this.now();
    return 'compatible';
  }

  /**
   * The next batch: lane 0, else 1, else 2 (not drained this round), encoded as a push frame on
   * the store's thread; null when none waits (or, `readAheadOnly`, when none was read ahead).
   */
  private async nextBatch(
    link: SyncLink,
    readAheadOnly = false,
  ): Promise<{
    batch: OutboxFrame;
    full: boolean;
    batchId: string;
    /** The bounds it was read with. */
    readWith: { rows: number; bytes: number };
  } | null> {
    const ahead = this.prefetched;
    this.prefetched = null;
    if (ahead) {
      const batch = await ahead.read;
      // Lane 0 goes first, always: a prefetched batch of another lane waits (its rows stay queued).
      const lane0Waits =
        ahead.lane !== 0 &&
        ((await this.o.outbox.backlog()).byLane.find((l) => l.lane === 0)?.rows ?? 0) > 0;
      if (batch && batch.entries.length > 0 && !lane0Waits) {
        if (batch.orphanSeqs.length > 0) await this.o.outbox.acknowledge(batch.orphanSeqs);
        const full =
          batch.entries.length + batch.orphanSeqs.length >= ahead.rows ||
          batch.bytes >= ahead.bytes / 2;
        return {
          batch,
          full,
          batchId: ahead.batchId,
          readWith: { rows: ahead.rows, bytes: ahead.bytes },
        };
      }
    }
    if (readAheadOnly) return null;
    for (const lane of SYNC_LANES) {
      if (this.drained.has(lane)) continue;
      const rows = Math.min(this.rowsLimit, MAX_PUSH_ROWS);
      const bytes = this.bytesLimit;
      const batchId = uuidv7();
      const batch = await this.o.outbox.readFrame(lane, bytes, rows, {
        protocol: SYNC_PROTOCOL,
        workstationId: link.workstationId,
        batchId,
      });
      if (batch.orphanSeqs.length > 0) await this.o.outbox.acknowledge(batch.orphanSeqs);
      if (batch.entries.length > 0) {
        const full =
          batch.entries.length + batch.orphanSeqs.length >= rows || batch.bytes >= bytes / 2;
        return { batch, full, batchId, readWith: { rows, bytes } };
      }
      if (batch.orphanSeqs.length > 0) return this.nextBatch(link);
    }
    return null;
  }

  /**
   * One push, or two in flight (inFlight): starts the next batch's push beside the one being
   * answered, then takes that one's outcome. The first of a run returns 'in-flight' at once.
   */
  private async sendPipelined(link: SyncLink): Promise<Outcome> {
    const earlier = this.inFlight;
    this.inFlight = null;
    // While a refused row is being looked for (smaller batches), one push at a time.
    if (earlier !== null && !this.atFullBatches()) return earlier;
    let started: Outcome | Pushing;
    try {
      // Beside a push in flight, only the batch read ahead of it (rows queued before its rows):
      // a fresh read would find that push's rows still queued and send them twice.
      started = await this.startOne(link, earlier !== null);
    } catch (error) {
      await earlier?.catch(() => undefined);
      throw error;
    }
    if (earlier === null) {
      if (started.kind !== 'pushing') return started;
      if (started.full && this.atFullBatches()) {
        this.inFlight = started.answer;
        return { kind: 'in-flight' };
      }
      return started.answer;
    }
    let outcome: Outcome;
    try {
      outcome = await earlier;
    } catch (error) {
      if (started.kind === 'pushing') await started.answer.catch(() => undefined);
      throw error;
    }
    if (started.kind !== 'pushing') return outcome;
    if (outcome.kind === 'sent') {
      this.inFlight = started.answer;
      return outcome;
    }
    // A fault or a refusal: the other push is settled too before anything else is tried.
    await started.answer.catch(() => undefined);
    return outcome;
  }

  /** Batches at their full bounds: no halving search for a refused row is going on. */
  private atFullBatches(): boolean {
    return this.rowsLimit >= this.o.maxBatchRows && this.bytesLimit >= this.o.maxBatchBytes;
  }

  /** Reads the next batch and starts its push; the outcome comes once it is answered. */
  private async startOne(link: SyncLink, readAheadOnly = false): Promise<Outcome | Pushing> {
    const next = await this.nextBatch(link, readAheadOnly);
    if (next === null) return { kind: 'empty' };
    const { batch, full, batchId, readWith } = next;
    const { frame } = batch;
    // While this batch is on the wire, the store reads and encodes the lane's next one.
    if (full) this.prefetch(link, batch);
    if (frame.byteLength > MAX_PUSH_BYTES) {
      this.dropPrefetch();
      if (batch.entries.length === 1) {
        const reason = `larger than a push can carry (${frame.byteLength} bytes, at most ${MAX_PUSH_BYTES})`;
        await this.setAside(batch.entries.map((r) => ({ seq: r.seq, reason })));
      } else this.rowsLimit = Math.max(1, Math.floor(batch.entries.length / 2));
      return { kind: 'again' };
    }
    const answer = this.push(link, batch, batchId, readWith, full);
    // With two in flight it is awaited later: marked handled now, so a failure meanwhile (the
    // store unable to acknowledge) is never an unhandled rejection that would end the process.
    answer.catch(() => undefined);
    return { kind: 'pushing', full, answer };
  }

  private async push(
    link: SyncLink,
    batch: OutboxFrame,
    batchId: string,
    readWith: { rows: number; bytes: number },
    full: boolean,
  ): Promise<Outcome> {
    const { frame } = batch;
    let answer: SyncAnswer;
    try {
      answer = await exchange(link.endpoint, {
        method: 'POST',
        path: SYNC_PATHS.push,
        headers: {
          authorization: `Bearer ${link.credential}`,
          [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL),
          'content-type': 'application/octet-stream',
        },
        body: frame,
        connectTimeoutMs: this.o.connectTimeoutMs,
        idleTimeoutMs: this.o.answerTimeoutMs,
        maxResponseBytes: 4 * 1024 * 1024,
        signal: this.stopping.signal,
        ...(link.agent ? { agent: link.agent } : {}),
      });
    } catch (error) {
      this.dropPrefetch();
      if (!(error instanceof SyncLinkError)) throw error;
      if (error.problem === 'aborted') return { kind: 'sticky' };
      if (error.problem === 'too-large') return { kind: 'failing', problem: error.message };
      return { kind: 'link-down', problem: error.message };
    }
    const outcome = await this.settle(link, batch, batchId, readWith, frame.byteLength, answer);
    if (outcome.kind !== 'sent') this.dropPrefetch();
    return outcome.kind === 'sent' ? { ...outcome, full } : outcome;
  }

  private prefetch(link: SyncLink, after: OutboxFrame): void {
    const rows = Math.min(this.rowsLimit, MAX_PUSH_ROWS);
    const bytes = this.bytesLimit;
    const batchId = uuidv7();
    const beforeSeq = Math.min(...after.entries.map((e) => e.seq), ...after.orphanSeqs);
    const read = this.o.outbox
      .readFrame(
        after.lane,
        bytes,
        rows,
        { protocol: SYNC_PROTOCOL, workstationId: link.workstationId, batchId },
        beforeSeq,
      )
      // A failed read ahead is only a batch not ready: it is read again the usual way.
      .catch(() => null);
    this.prefetched = { lane: after.lane, batchId, rows, bytes, read };
  }

  /** The batch read ahead is not sent (its rows stay queued); its read is left to finish. */
  private dropPrefetch(): void {
    this.prefetched = null;
  }

  /** What the answer means for the batch: acknowledged, set aside, kept for later. */
  private async settle(
    link: SyncLink,
    batch: OutboxFrame,
    batchId: string,
    readWith: { rows: number; bytes: number },
    frameBytes: number,
    answer: SyncAnswer,
  ): Promise<Outcome> {
    const { status } = answer;
    const refusal = refusalOf(answer);
    if (status === 200) {
      let json: unknown = null;
      try {
        json = JSON.parse(answer.body.toString('utf8'));
      } catch {
        // garbage: below
      }
      const parsed = PushResponse.safeParse(json);
      if (!parsed.success || parsed.data.batchId !== batchId) {
        return {
          kind: 'failing',
          problem: 'the central server answered with something that is not a push answer',
        };
      }
      const { accepted, duplicates, refused } = parsed.data;
      if (accepted + duplicates + refused.length < batch.entries.length) {
        return {
          kind: 'failing',
          problem: `the central server accounted for ${accepted + duplicates + refused.length} of ${batch.entries.length} rows`,
        };
      }
      const asideBySeq = new Map<number, string>();
      const unnamed: string[] = [];
      for (const r of refused) {
        const match = batch.entries.find(
          (row) => row.table === r.table && (r.id === null ? false : row.id === r.id),
        );
        if (match) asideBySeq.set(match.seq, r.reason);
        else unnamed.push(`${r.table}: ${r.reason}`);
      }
      if (unnamed.length > 0) {
        // A refusal that names no row of ours: nothing is acknowledged blindly. Halved until the
        // row is alone, then it is set aside (what the server took meanwhile comes back duplicate).
        this.log(`sync: the server refused rows it did not name (${unnamed.join('; ')})`);
        if (batch.entries.length > 1) {
          this.rowsLimit = Math.max(1, Math.floor(batch.entries.length / 2));
          return { kind: 'again' };
        }
        asideBySeq.set(batch.entries[0]!.seq, unnamed.join('; '));
      }
      await this.setAside([...asideBySeq].map(([seq, reason]) => ({ seq, reason })));
      await this.o.outbox.acknowledge(
        batch.entries.filter((r) => !asideBySeq.has(r.seq)).map((r) => r.seq),
      );
      this.o.onSent?.({
        rows: batch.entries.length,
        bytes: batch.bytes,
        wireBytes: frameBytes,
        atMs: this.now(),
      });
      // Back toward full batches once a smaller one went through (not for a batch read before
      // the bounds were lowered: two pushes can be in flight).
      if (readWith.rows <= this.rowsLimit && readWith.bytes <= this.bytesLimit) {
        this.rowsLimit = Math.min(this.o.maxBatchRows, this.rowsLimit * 2);
        this.bytesLimit = Math.min(this.o.maxBatchBytes, this.bytesLimit * 2);
      }
      return { kind: 'sent', lane: batch.lane, full: true };
    }
    if (
      status === 426 ||
      refusal?.error === 'protocol-too-old' ||
      refusal?.error === 'protocol-too-new'
    ) {
      this.setState({ kind: 'version-mismatch', message: mismatchWords(answer) });
      return { kind: 'sticky' };
    }
    if (status === 401 || status === 403) {
      this.refusedCredential = link.credential;
      const words =
        refusal?.error === 'revoked'
          ? `the central server revoked this workstation (${refusal.message})`
          : `the central server does not accept this workstation's credential (${refusal?.message ?? `HTTP ${status}`})`;
      this.setState({
        kind: 'revoked',
        message: `${words}. Monitoring goes on and every row is kept here; enrol again to send them.`,
      });
      return { kind: 'sticky' };
    }
    if (status === 413 || refusal?.error === 'too-large') {
      if (batch.entries.length === 1) {
        await this.setAside([
          {
            seq: batch.entries[0]!.seq,
            reason: refusal?.message ?? 'too large for the central server',
          },
        ]);
      } else {
        this.rowsLimit = Math.max(1, Math.floor(batch.entries.length / 2));
        this.bytesLimit = Math.max(1, Math.floor(batch.bytes / 2));
      }
      return { kind: 'again' };
    }
    if (status === 400) {
      // The server refused the frame as a whole: halve until the row it cannot read is alone.
      if (batch.entries.length === 1) {
        await this.setAside([
          {
            seq: batch.entries[0]!.seq,
            reason: refusal?.message ?? 'refused by the central server (HTTP 400)',
          },
        ]);
        return { kind: 'again' };
      }
      this.rowsLimit = Math.max(1, Math.floor(batch.entries.length / 2));
      return { kind: 'again' };
    }
    const said = refusal ? `: ${refusal.message}` : '';
    return { kind: 'failing', problem: `the central server answered HTTP ${status}${said}` };
  }

  private async setAside(rows: { seq: number; reason: string }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.o.outbox.setAside(rows);
    for (const { reason } of rows) this.log(`sync: a row was set aside: ${reason}`);
    this.o.onSetAside?.(rows.length, rows.at(-1)!.reason);
  }
}
