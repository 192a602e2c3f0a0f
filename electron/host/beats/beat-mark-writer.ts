// The beats the classifier did not call normal, on their way to the store: gathered from every
// bed and written together every FLUSH_EVERY_MS as `beat` annotations (one durable write for all
// of them, not one per beat), for review's marks and the record's export. Bounded: past
// MAX_WAITING marks (a store that cannot keep up), the oldest are dropped and it is said once.
import type { Store } from '../store/client';
import type { MarkedBeatClass } from '../store/beat-marks';
import { BEAT_MARK_KIND } from '../store/beat-marks';

export const FLUSH_EVERY_MS = 10_000;
export const MAX_WAITING = 20_000;

interface Waiting {
  bedId: string;
  atMs: number;
  beatClass: MarkedBeatClass;
}

export class BeatMarkWriter {
  private waiting: Waiting[] = [];
  private dropped = 0;
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly store: Pick<Store, 'appendAnnotations'>,
    private readonly log: (message: string) => void,
    everyMs = FLUSH_EVERY_MS,
  ) {
    this.timer = setInterval(() => void this.flush(), everyMs);
    this.timer.unref?.();
  }

  add(bedId: string, atMs: number, beatClass: MarkedBeatClass): void {
    if (this.waiting.length >= MAX_WAITING) {
      this.waiting.shift();
      if (this.dropped++ === 0) {
        this.log(
          `beats: more than ${MAX_WAITING} beat marks waiting for the store; the oldest are dropped`,
        );
      }
    }
    this.waiting.push({ bedId, atMs, beatClass });
  }

  /** Writes what is waiting; resolves once it is on disk (or the failure is logged). */
  flush(): Promise<void> {
    const batch = this.waiting;
    if (batch.length === 0) return this.writing;
    this.waiting = [];
    this.dropped = 0;
    this.writing = this.writing.then(() =>
      this.store
        .appendAnnotations(
          batch.map((m) => ({
            bedId: m.bedId,
            atMs: m.atMs,
            kind: BEAT_MARK_KIND,
            text: m.beatClass,
            actor: 'workstation',
          })),
        )
        .catch((error: unknown) =>
          this.log(`beats: ${batch.length} beat marks could not be kept: ${String(error)}`),
        ),
    );
    return this.writing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
