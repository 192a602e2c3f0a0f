// The main thread's end of the strip worker: one long-lived worker thread, started on the first
// strip (or ahead, by start()), makes strips one at a time from a queue. A worker that dies costs
// only the strip it was making (StripInterruptedError); the next strip starts a new one. A worker
// that hangs is ended after STRIP_DEADLINE_MS. stop() ends it without waiting on it.
// Shared by the workstation (electron/host/strips/strip-renderer.ts) and the central server
// (server/strips/): each starts its own worker thread (`spawn`), running serveStripJobs().
import type { StripInput } from './strip-layout';
import type { StripPdfInfo } from './strip-pdf';
import type { RenderStripPdf } from './strip-render';
import { stripJob, type StripJob, type StripWorkerMessage } from './strip-job';
import { StripInterruptedError } from './strip-interrupted';

/** A start or a strip not done by then (seconds at most, even cold) is a hung worker: ended. */
export const STRIP_DEADLINE_MS = 60_000;
/** Longest stop() waits for the thread to end; an unref'd thread cannot hold the process anyway. */
const STOP_WAIT_MS = 2_000;

/** What the renderer needs of a worker thread (node:worker_threads' Worker has all of it). */
export interface StripThread {
  postMessage(job: StripJob, transfer: ArrayBuffer[]): void;
  on(event: 'message', listener: (message: StripWorkerMessage) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}

export interface StripRendererOptions {
  /** Starts a worker thread running serveStripJobs(); may throw (the strip is refused). */
  spawn(): StripThread;
  /** For the log: a worker that died or hung, with the strip it was making. */
  log?: (message: string) => void;
  /** How long a strip may take before the worker is taken for hung; STRIP_DEADLINE_MS by default. */
  stripDeadlineMs?: number;
  /** What a strip asked for while stopping is refused with. */
  stoppingWords?: string;
}

interface QueuedStrip {
  input: StripInput;
  info: StripPdfInfo;
  resolve(pdf: Uint8Array): void;
  reject(error: Error): void;
}

interface RunningWorker {
  thread: StripThread;
  ready: boolean;
  /** The strip it is making, with the id its answer carries. */
  making: { id: number; strip: QueuedStrip } | null;
  /** Ends the worker if it does not finish starting, or the strip it is making, in time. */
  watchdog: ReturnType<typeof setTimeout> | null;
  /** Set when this side ended it (a missed deadline), to say so in the log. */
  endedBecause: string | null;
}

export class StripRenderer {
  readonly #options: StripRendererOptions;
  readonly #queue: QueuedStrip[] = [];
  #worker: RunningWorker | null = null;
  #readyWaiters: Array<{ resolve(): void; reject(error: Error): void }> = [];
  #nextId = 1;
  #stopped = false;

  constructor(options: StripRendererOptions) {
    this.#options = options;
  }

  /** The strip's PDF bytes, made in the worker after the strips queued before it. */
  readonly render: RenderStripPdf = (input, info) => {
    if (this.#stopped) return Promise.reject(this.#stopping());
    return new Promise((resolve, reject) => {
      this.#queue.push({ input, info, resolve, reject });
      this.#next();
    });
  };

  /** Starts the worker ahead of the first strip; resolves once it can make strips. */
  start(): Promise<void> {
    if (this.#stopped) return Promise.reject(this.#stopping());
    if (this.#worker?.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#readyWaiters.push({ resolve, reject });
      if (!this.#worker) this.#spawn();
    });
  }

  /** Ends the worker; queued strips and the one being made are refused. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const worker = this.#worker;
    this.#worker = null;
    this.#refuseAll(this.#stopping(), worker);
    if (!worker) return;
    worker.thread.unref();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      worker.thread.terminate().catch(() => undefined),
      new Promise<void>((resolve) => (timer = quietTimer(resolve, STOP_WAIT_MS))),
    ]);
    clearTimeout(timer);
  }

  /** Sends the next queued strip when the worker is free, starting a worker if there is none. */
  #next(): void {
    if (this.#stopped || this.#queue.length === 0) return;
    const worker = this.#worker ?? this.#spawn();
    if (!worker) return;
    if (worker.ready && !worker.making) {
      const strip = this.#queue.shift()!;
      const id = this.#nextId++;
      worker.making = { id, strip };
      const deadlineMs = this.#options.stripDeadlineMs ?? STRIP_DEADLINE_MS;
      watch(worker, deadlineMs, `gave no answer in ${deadlineMs / 1000} s`);
      const { job, transfer } = stripJob(id, strip.input, strip.info);
      worker.thread.postMessage(job, transfer);
    }
    this.#holdProcess(worker);
  }

  /** Held while strips wait or are being made, so a command awaiting one is not cut short. */
  #holdProcess(worker: RunningWorker): void {
    if (worker.making || this.#queue.length > 0) worker.thread.ref();
    else worker.thread.unref();
  }

  #stopping(): Error {
    return new Error(
      this.#options.stoppingWords ?? 'The strip printer is stopping; the strip was not made.',
    );
  }

  #spawn(): RunningWorker | null {
    let thread: StripThread;
    try {
      thread = this.#options.spawn();
    } catch (error) {
      this.#refuseAll(error instanceof Error ? error : new Error(String(error)), null);
      return null;
    }
    const worker: RunningWorker = {
      thread,
      ready: false,
      making: null,
      watchdog: null,
      endedBecause: null,
    };
    this.#worker = worker;
    // An idle printer never keeps a stopping process alive.
    thread.unref();
    watch(worker, STRIP_DEADLINE_MS, `did not start in ${STRIP_DEADLINE_MS / 1000} s`);
    thread.on('message', (message: StripWorkerMessage) => this.#hear(worker, message));
    thread.on('error', (error) => this.#lost(worker, `failed: ${error.message}`));
    thread.on('exit', (code) => this.#lost(worker, `exited with code ${code}`));
    return worker;
  }

  #hear(worker: RunningWorker, message: StripWorkerMessage): void {
    if (worker !== this.#worker) return;
    switch (message.type) {
      case 'ready':
        unwatch(worker);
        worker.ready = true;
        for (const waiter of this.#readyWaiters.splice(0)) waiter.resolve();
        break;
      case 'startFailed':
        // Every strip would fail the same way; the next one tries again (the fonts may be back).
        this.#options.log?.(`The strip printer cannot start: ${message.error}`);
        this.#worker = null;
        this.#refuseAll(new Error(message.error), worker);
        void worker.thread.terminate();
        return;
      case 'pdf':
      case 'failed': {
        const making = worker.making;
        if (!making || making.id !== message.id) return;
        unwatch(worker);
        worker.making = null;
        if (message.type === 'pdf') making.strip.resolve(message.pdf);
        else {
          const { title, createdAtMs } = making.strip.info;
          this.#options.log?.(
            `The strip "${title}" (asked at ${new Date(createdAtMs).toISOString()}) could not be made: ${message.error}`,
          );
          making.strip.reject(new Error(message.error));
        }
        break;
      }
    }
    this.#next();
  }

  /** The worker ended by itself (or hung): its strip is lost; strips queued start a new one. */
  #lost(worker: RunningWorker, event: string): void {
    if (worker !== this.#worker) return;
    this.#worker = null;
    unwatch(worker);
    const how = worker.endedBecause ?? event;
    const log = this.#options.log ?? (() => undefined);
    if (!worker.ready) {
      log(`The strip printer's worker ${how} while starting.`);
      const why = `The strip printer could not start (its worker ${how}): print the strip again, and call technical support if it fails again.`;
      this.#refuseAll(new Error(why), null);
      return;
    }
    const making = worker.making;
    worker.making = null;
    if (making) {
      const { title, createdAtMs } = making.strip.info;
      log(
        `The strip printer's worker ${how} while making "${title}" (asked at ` +
          `${new Date(createdAtMs).toISOString()}): that strip was not made; the next strip ` +
          'starts a new worker.',
      );
      making.strip.reject(new StripInterruptedError());
    } else {
      log(`The strip printer's worker ${how} while idle; the next strip starts a new one.`);
    }
    this.#next();
  }

  /** Refuses the strip `worker` is making, the queue, and the waiters for a start. */
  #refuseAll(error: Error, worker: RunningWorker | null): void {
    const making = worker?.making?.strip;
    if (worker) {
      unwatch(worker);
      worker.making = null;
    }
    for (const strip of [...(making ? [making] : []), ...this.#queue.splice(0)]) {
      strip.reject(error);
    }
    for (const waiter of this.#readyWaiters.splice(0)) waiter.reject(error);
  }
}

/** Ends the worker unless unwatch() comes first; `failure` says why in the log. */
function watch(worker: RunningWorker, deadlineMs: number, failure: string): void {
  unwatch(worker);
  worker.watchdog = quietTimer(() => {
    worker.endedBecause = `${failure} and was ended`;
    void worker.thread.terminate();
  }, deadlineMs);
}

function unwatch(worker: RunningWorker): void {
  if (worker.watchdog !== null) clearTimeout(worker.watchdog);
  worker.watchdog = null;
}

/** A timer that never holds the process open (Node's unref), a plain one elsewhere. */
function quietTimer(run: () => void, ms: number): ReturnType<typeof setTimeout> {
  const timer = setTimeout(run, ms);
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
