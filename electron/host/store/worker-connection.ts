// The main thread's end of the store worker: starts it, sends typed requests, matches replies, and
// turns a dead worker into rejected promises that say why.
import { Worker } from 'node:worker_threads';
import type {
  StoreOperation,
  StoreOperations,
  StoreRequest,
  StoreWorkerData,
  StoreWorkerMessage,
} from './protocol';
import type { StoreWorkerScript } from './worker-script';
import { releasePhase, type CheckpointPhase } from './checkpoint-phases';

/** Told of checkpoint phases, for a test that aims a kill at one (checkpoint-phases.ts). */
export type CheckpointPhaseListener = (phase: CheckpointPhase) => void;

interface PendingReply {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

export class StoreWorkerConnection {
  readonly #worker: Worker;
  readonly #pending = new Map<number, PendingReply>();
  readonly #stopListeners: Array<(reason: string) => void> = [];
  #nextId = 1;
  #stoppedReason: string | null = null;

  readonly #phaseGate: SharedArrayBuffer | undefined;
  readonly #onCheckpointPhase: CheckpointPhaseListener | undefined;

  private constructor(
    worker: Worker,
    phaseGate: SharedArrayBuffer | undefined,
    onCheckpointPhase: CheckpointPhaseListener | undefined,
  ) {
    this.#worker = worker;
    this.#phaseGate = phaseGate;
    this.#onCheckpointPhase = onCheckpointPhase;
    worker.on('message', (message: StoreWorkerMessage) => this.#receive(message));
    worker.on('error', (error) => this.#stop(`the worker failed: ${error.message}`));
    worker.on('exit', (code) => this.#stop(`the worker exited with code ${code}`));
  }

  /** What a person must know about the store once it is open (recovery, a store kept aside). */
  notices: string[] = [];
  /** For the log: what opening found and dealt with (journal rows refused, modes fixed). */
  problems: string[] = [];
  /** Told of problems between requests (a failed checkpoint). */
  onProblem: (message: string) => void = () => undefined;
  /** Told when the worker refused a write, or put off a checkpoint, for want of space. */
  onDiskFull: (message: string) => void = () => undefined;
  /** Told when the worker's database may be stuck (a failed CHECKPOINT): replace the worker. */
  onWedged: (message: string) => void = () => undefined;

  /** Resolves once the worker has opened the database, applied migrations, replayed the journal. */
  static start(
    script: StoreWorkerScript,
    data: StoreWorkerData,
    onCheckpointPhase?: CheckpointPhaseListener,
  ): Promise<StoreWorkerConnection> {
    const worker = new Worker(script.path, { workerData: data, execArgv: script.execArgv });
    const { phaseGate } = data;
    return new Promise((resolve, reject) => {
      const onMessage = (message: StoreWorkerMessage) => {
        if (message.type === 'checkpointPhase')
          hearPhase(phaseGate, onCheckpointPhase, message.phase);
        if (message.type === 'startFailed')
          fail(message.error, message.damaged, message.keyRefused);
        if (message.type !== 'ready') return;
        stopListening();
        const connection = new StoreWorkerConnection(worker, phaseGate, onCheckpointPhase);
        connection.notices = message.notices ?? [];
        connection.problems = message.problems ?? [];
        resolve(connection);
      };
      const onError = (error: Error) => fail(`${script.path}: ${error.message}`);
      const onExit = (code: number) => fail(`${script.path} exited with code ${code}`);
      const stopListening = () => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      };
      const fail = (reason: string, damaged = false, keyRefused = false) => {
        stopListening();
        worker.on('error', () => undefined); // already failed; a late error must not go uncaught
        void worker.terminate();
        reject(
          new StoreStartError(`The data store could not start: ${reason}`, damaged, keyRefused),
        );
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
  }

  /** Why the worker is gone, or null while it runs. */
  get stoppedReason(): string | null {
    return this.#stoppedReason;
  }

  onStop(listener: (reason: string) => void): void {
    this.#stopListeners.push(listener);
  }

  call<K extends StoreOperation>(
    op: K,
    params: StoreOperations[K]['params'],
    transfer: ArrayBuffer[] = [],
  ): Promise<StoreOperations[K]['result']> {
    if (this.#stoppedReason !== null) return Promise.reject(stoppedError(this.#stoppedReason));
    const id = this.#nextId++;
    const request = { id, op, ...params } as StoreRequest;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.#worker.postMessage(request, transfer);
    });
  }

  /** Ends the worker thread; pending and later calls reject with `reason`. */
  async terminate(reason: string): Promise<void> {
    this.#stop(reason);
    await this.#worker.terminate();
  }

  #receive(message: StoreWorkerMessage): void {
    if (message.type === 'problem') this.onProblem(message.error);
    if (message.type === 'diskFull') this.onDiskFull(message.error);
    if (message.type === 'wedged') this.onWedged(message.error);
    if (message.type === 'checkpointPhase') {
      hearPhase(this.#phaseGate, this.#onCheckpointPhase, message.phase);
    }
    if (message.type !== 'reply') return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new Error(message.error));
  }

  #stop(reason: string): void {
    if (this.#stoppedReason !== null) return;
    this.#stoppedReason = reason;
    for (const pending of this.#pending.values()) pending.reject(stoppedError(reason));
    this.#pending.clear();
    for (const listener of this.#stopListeners) listener(reason);
  }
}

/** The store did not open; `damaged` when its directory cannot be opened as a database. */
export class StoreStartError extends Error {
  constructor(
    message: string,
    readonly damaged: boolean,
    /** The data key was refused (store/encryption): `reason` is the whole message. */
    readonly keyRefused = false,
  ) {
    super(message);
  }
}

/** The listener hears the phase; then the worker, waiting on the gate, goes on. */
function hearPhase(
  gate: SharedArrayBuffer | undefined,
  listener: CheckpointPhaseListener | undefined,
  phase: CheckpointPhase,
): void {
  try {
    listener?.(phase);
  } finally {
    if (gate) releasePhase(gate);
  }
}

function stoppedError(reason: string): Error {
  return new Error(`The data store stopped: ${reason}`);
}
