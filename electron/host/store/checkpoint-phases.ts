// The moments of a checkpoint, announced to a test so that it can kill the process exactly there
// (the crash test). With a gate, the worker waits at each moment until the main thread has heard
// of it (at most a second), so a SIGKILL sent while hearing it lands at that very step.
export type CheckpointPhase =
  /** Staged waveform chunks packed and deleted, not committed yet; the checkpoint follows. */
  | 'packing'
  /** Before anything: the journal is about to be closed at a segment boundary. */
  | 'starting'
  /** The journal's segment is closed; PostgreSQL's CHECKPOINT runs next. */
  | 'database-checkpoint'
  /** The CHECKPOINT is done; the database's files are fsync'd next (off the worker's thread). */
  | 'making-durable'
  /** The files are durable; a journal segment they cover is deleted next (once per segment). */
  | 'clearing-journal'
  /** The segments are gone; the seal of the files' sizes is written next. */
  | 'sealing';

const WAIT_FOR_MAIN_THREAD_MS = 1_000;

/** Worker side: announces a phase, waiting on the gate when there is one. */
export function phaseAnnouncer(
  gate: SharedArrayBuffer | undefined,
  post: (phase: CheckpointPhase) => void,
): (phase: CheckpointPhase) => void {
  if (!gate) return () => undefined;
  const flag = new Int32Array(gate);
  return (phase) => {
    Atomics.store(flag, 0, 0);
    post(phase);
    Atomics.wait(flag, 0, 0, WAIT_FOR_MAIN_THREAD_MS);
  };
}

/** Main-thread side: lets the waiting worker go on once the phase has been heard. */
export function releasePhase(gate: SharedArrayBuffer): void {
  const flag = new Int32Array(gate);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

export function newPhaseGate(): SharedArrayBuffer {
  return new SharedArrayBuffer(4);
}
