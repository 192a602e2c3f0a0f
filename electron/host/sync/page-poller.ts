// The loop both pullers run (the server's record for this workstation, the hospital's patient
// list): while the link is up, pull a page; at once again while the server says more waits, else
// after a round's pause, which a nudge (enrolled now, a change announced) cuts short. Quiet on
// failure: a problem is logged once until it changes, and tried again at the next round.
import { SyncLinkError } from './http';
import type { SyncLink } from './uploader';

export type PollLink = SyncLink & { serverId: string };

export abstract class PagePoller {
  private running: Promise<void> | null = null;
  protected readonly stopping = new AbortController();
  private wakeUp: (() => void) | null = null;
  private lastProblem: string | null = null;
  protected readonly log: (message: string) => void;

  constructor(
    private readonly poll: {
      link: () => PollLink | null;
      log?: (message: string) => void;
      everyMs?: number;
    },
    /** What is pulled, for the log: "from the central server". */
    private readonly what: string,
  ) {
    this.log = poll.log ?? ((message) => console.log(message));
  }

  /** One page: checked, kept with its cursor. True when the server says more waits. */
  abstract pullOnce(link: PollLink): Promise<boolean>;

  start(): this {
    this.running ??= this.loop();
    return this;
  }

  nudge(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.wakeUp?.();
    await this.running;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
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
    while (!this.stopping.signal.aborted) {
      const link = this.poll.link();
      let more = false;
      if (link !== null) {
        try {
          more = await this.pullOnce(link);
          this.lastProblem = null;
        } catch (error) {
          const problem = (error as Error).message;
          const stopped = error instanceof SyncLinkError && error.problem === 'aborted';
          if (problem !== this.lastProblem && !stopped) {
            this.log(`sync: pulling ${this.what} failed: ${problem}`);
          }
          this.lastProblem = problem;
        }
      }
      if (!more) await this.sleep(this.poll.everyMs ?? 30_000);
    }
  }
}
